// seed.backup, undercloud.backup, overcloud.backup: once a tier is done, the seed and undercloud
// state (src/backup: the journal, the plan, the answers file, the exports, each standalone
// Ironic's database) is written where the plan's `backups` says, checked, copied over ssh
// when the place is another host, and only the last N of the cloud are kept there. The
// files are this host's, in every world; the ssh and scp commands go through the world's tools.
// Day-two operations run the same module: before an upgrade, after a scale-out or a replacement.
import { backupPlace, takeBackup, type BackupPlace } from '../../backup/take.js';
import { size } from '../../backup/history.js';
import type { BackupTier } from '../../backup/manifest.js';
import { DAY_TWO_BACKUP } from '../compile.js';
import { StepError, type StepContext, type TierId } from '../types.js';
import type { World } from '../world.js';
import type { StepModule } from './common.js';

const SKIP = 'or skip this step: the deployment does not need it, and `cloudseed backup` takes one later';

/** A failed backup as a step error that says what to do about it. */
export function backupError(err: unknown, place: BackupPlace | undefined): StepError {
  const where = place?.text ?? 'the backup place';
  const text = err instanceof StepError ? [err.message, ...(err.tail ?? [])].join('\n') : err instanceof Error ? err.message : String(err);
  const tail = err instanceof StepError ? err.tail : undefined;
  if (err instanceof StepError && err.kind === 'interrupted') return err;
  const host = place?.remote?.target.host;
  if (/ENOSPC|No space left|Disk quota exceeded|EDQUOT/i.test(text)) {
    return new StepError('other', `the backup does not fit in ${where}: the disk is full`, `free space there, or set backups.to in the answers file to a place with room, then retry (${SKIP})`, tail);
  }
  if (host && /Permission denied \(|Host key verification failed|Too many authentication failures/i.test(text)) {
    return new StepError('auth', `${host} refused the ssh login for the backup to ${where}`, `let this host's ssh key in there (its ~${place.remote!.target.user}/.ssh/authorized_keys), or set backups.sshIdentity, then retry (${SKIP})`, tail);
  }
  if (host && /Connection refused|No route to host|Could not resolve|Connection timed out|Network is unreachable|timed out/i.test(text)) {
    const port = place.remote!.target.port ?? 22;
    return new StepError('unreachable', `ssh to ${host} port ${port} is refused or does not answer (backup to ${where})`, `start sshd there (or correct backups.to / backups.sshPort), then retry (${SKIP})`, tail);
  }
  if (/ENOTDIR|EEXIST/.test(text)) {
    return new StepError('other', `the backup place ${where} is not a folder (a file is in its way)`, `set backups.to in the answers file to a folder, then retry (${SKIP})`, tail);
  }
  if (/EACCES|EPERM|EROFS|Permission denied|read-only/i.test(text)) {
    return new StepError('other', `cloudseed may not write the backup in ${where}: ${text.split('\n')[0]}`, `give this user write access there, or set backups.to to another folder, then retry (${SKIP})`, tail);
  }
  const kind = err instanceof StepError ? err.kind : 'other';
  return new StepError(kind, `the backup to ${where} failed: ${text.split('\n')[0]}`, `look at the step's log, then retry (${SKIP})`, tail);
}

/** When a backup step takes its backup: a day-two operation's own, else after its tier. */
function backupMoment(id: string, tier: TierId): BackupTier {
  return (Object.keys(DAY_TWO_BACKUP) as (keyof typeof DAY_TWO_BACKUP)[]).find((m) => DAY_TWO_BACKUP[m] === id) ?? tier;
}

export const backupStep: StepModule = {
  shouldRun: (ctx) => (ctx.stateDir ? true : 'the run has no state directory to back up'),
  async run(ctx: StepContext, world: World) {
    const stateDir = ctx.stateDir!;
    let place: BackupPlace | undefined;
    try {
      place = backupPlace(ctx.plan, stateDir);
      ctx.waitingFor(`the backup to ${place.text}`);
      // Real file work: a virtual clock waits for it instead of timing the step out.
      const taken = await world.clock.hold(takeBackup({
        stateDir,
        plan: ctx.plan,
        answersFile: ctx.answersFile,
        place,
        after: backupMoment(ctx.step.id, ctx.step.tier),
        prune: true,
        log: (line) => ctx.log(line),
        run: async (argv) => (await world.tools.run({ argv, timeoutMs: ctx.step.timeoutMs / world.speed, signal: ctx.signal, step: ctx.step.id, worldMs: 0 })).lines,
      }));
      // What matters first: a log line is cut at the panel's width.
      ctx.log(`backed up, verified: ${taken.manifest.files.length} files, ${size(taken.bytes)} in ${taken.where}`);
    } catch (e) {
      throw backupError(e, place);
    }
  },
};
