// `npm run lab:up` / `npm run lab:down`: a local Ironic lab a person can deploy into with
// `cloudseed deploy assets/labs/local-ironic.yaml --yes`. The seed's Ironic on 127.0.0.1:6385,
// the undercloud's on 127.0.0.2:6385, BMCs (ipmi_sim) on 127.0.1.1.. — the addresses and the
// images folder that answers file names.
// `up` starts a detached keeper process that owns the whole lab (Ironics and BMCs are its
// children) and waits until it is ready; `down` asks the keeper to stop it (SIGTERM), which
// stops every process by its PID. State, pid and log files live in .lab/ (git-ignored).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../src/assets.js';
import { ensurePackages } from './ensure-packages.js';
import { alive } from '../../src/store/lock.js';
import { LAB_IMAGES_DIR, LAB_SERVERS, stopPid, startIronicLab } from './ironic-lab.js';

interface LabState {
  keeperPid: number;
  startedAt: string;
  ironic: { seed: { url: string; pid: number; dir: string }; undercloud: { url: string; pid: number; dir: string } };
  bmcs: { address: string; user: string; pid: number }[];
}

const labDir = () => join(projectRoot(), '.lab');
const stateFile = () => join(labDir(), 'ironic-lab.json');
const logFile = () => join(labDir(), 'ironic-lab.log');

function readState(): LabState | undefined {
  if (!existsSync(stateFile())) return undefined;
  return JSON.parse(readFileSync(stateFile(), 'utf8')) as LabState;
}

function describe(s: LabState): void {
  console.log(`seed's Ironic:       ${s.ironic.seed.url}   (log ${join(s.ironic.seed.dir, 'ironic.log')})`);
  console.log(`undercloud's Ironic: ${s.ironic.undercloud.url}   (log ${join(s.ironic.undercloud.dir, 'ironic.log')})`);
  for (const b of s.bmcs) console.log(`BMC ${b.address}:623  user ${b.user}  (ipmi_sim pid ${b.pid})`);
  console.log(`images: ${LAB_IMAGES_DIR}`);
}

async function up(servers: number): Promise<void> {
  const current = readState();
  if (current && alive(current.keeperPid)) {
    console.log(`the lab is already up (since ${current.startedAt}, keeper pid ${current.keeperPid}):`);
    describe(current);
    return;
  }
  if (current) rmSync(stateFile());
  ensurePackages();
  mkdirSync(labDir(), { recursive: true });
  console.log(`starting the lab: two Ironics and ${servers} BMCs (about 10 s)…`);
  const log = openSync(logFile(), 'w');
  const keeper = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'serve', '--servers', String(servers)], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  keeper.unref();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const s = readState();
    if (s && s.keeperPid === keeper.pid) {
      describe(s);
      console.log('next: cloudseed deploy assets/labs/local-ironic.yaml --yes   (stop with: npm run lab:down)');
      return;
    }
    if (!alive(keeper.pid!) || Date.now() > deadline) {
      await stopPid(keeper.pid!);
      throw new Error(`the lab did not start; see ${logFile()}:\n${readFileSync(logFile(), 'utf8').trim().split('\n').slice(-5).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The keeper: owns the lab until SIGTERM/SIGINT, then stops it. */
async function serve(servers: number): Promise<void> {
  const dir = join(labDir(), 'ironic');
  rmSync(dir, { recursive: true, force: true });
  const lab = await startIronicLab({ servers, dir, imagesDir: LAB_IMAGES_DIR });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping the lab');
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(stateFile(), { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => undefined); // the terminal that started it may close
  const state: LabState = {
    keeperPid: process.pid,
    startedAt: new Date().toISOString(),
    ironic: {
      seed: { url: lab.seed.url, pid: lab.seed.pid, dir: lab.seed.dir },
      undercloud: { url: lab.undercloud.url, pid: lab.undercloud.pid, dir: lab.undercloud.dir },
    },
    bmcs: lab.bmcs.bmcs.map((b) => ({ address: b.address, user: b.user, pid: b.pid })),
  };
  // Written whole, then renamed: `up` never reads half a file.
  writeFileSync(stateFile() + '.tmp', JSON.stringify(state, null, 2) + '\n');
  renameSync(stateFile() + '.tmp', stateFile());
  console.log(`lab up: ${lab.seed.url}, ${lab.undercloud.url}, ${lab.bmcs.bmcs.length} BMCs`);
  setInterval(() => undefined, 1 << 30); // stay alive until told to stop
}

async function down(): Promise<void> {
  const s = readState();
  if (!s) {
    console.log('no lab is up (nothing in .lab/ironic-lab.json)');
    return;
  }
  await stopPid(s.keeperPid, 20_000);
  // Should the keeper have died without cleaning up, its children are stopped here by PID.
  await Promise.all([stopPid(s.ironic.seed.pid), stopPid(s.ironic.undercloud.pid), ...s.bmcs.map((b) => stopPid(b.pid, 2_000))]);
  rmSync(stateFile(), { force: true });
  console.log(`the lab is down: stopped 2 Ironics and ${s.bmcs.length} BMCs`);
}

const [cmd, ...rest] = process.argv.slice(2);
const serversFlag = rest.indexOf('--servers');
const servers = serversFlag >= 0 ? Number(rest[serversFlag + 1]) : LAB_SERVERS;
try {
  if (cmd === 'up') await up(servers);
  else if (cmd === 'down') await down();
  else if (cmd === 'serve') await serve(servers);
  else {
    console.error('usage: ironic-lab-cli.ts up [--servers N] | down');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(`lab: ${(err as Error).message}`);
  process.exitCode = 1;
}
if (cmd !== 'serve') process.exit();
