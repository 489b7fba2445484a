// Your cloud: where cloudseed opens on a state dir with a deployed cloud. Its tiers, its
// servers per role and its health (what the state dir knows), and what to do next: add
// servers (Servers, Roles, then the change alone and the deploy panels running only it),
// replace a failed server (the Replace screen, in place), back up now, or start over.
// The change: the second screen here, between Roles and Deploy when adding servers.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { runCommand } from '../src/backup/remote.js';
import { backupPlace, takeBackup } from '../src/backup/take.js';
import { cloudView, setAsideDeployed, startOverLine, type CloudView } from '../src/deploy/day-two.js';
import { nameList } from '../src/inventory/stake.js';
import { diffLines, unchanged } from '../src/plan/diff.js';
import { replan, scaleOutLine } from '../src/plan/scale-out.js';
import { releaseOf } from '../src/plan/schema.js';
import { nextRelease } from '../src/plan/upgrade.js';
import { acquireLock } from '../src/store/lock.js';
import { StateStore } from '../src/store/state.js';
import { wordWrap } from './components/help.js';
import { useKeys } from './components/keys.js';
import { Select, type SelectItem } from './components/select.js';
import { fit, useTheme, type ColorRole } from './components/theme.js';
import { shortDate } from './components/time.js';
import { YesNo } from './components/yes-no.js';
import { ReplaceScreen } from './replace.js';
import { UpgradeScreen } from './upgrade.js';
import type { ScreenDef, ScreenProps } from './types.js';

type Action = 'resume' | 'add' | 'replace' | 'upgrade' | 'backup' | 'start-over';


function YourCloud({ app }: ScreenProps) {
  const theme = useTheme();
  const stateDir = app.ui.stateDir;
  const width = app.columns;
  const [version, setVersion] = useState(0);
  const view = useMemo(() => cloudView(stateDir, shortDate), [stateDir, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const [message, setMessage] = useState<{ tone: ColorRole; text: string } | undefined>();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  // After a question, the cursor is back where it was.
  const [last, setLast] = useState<Action>('resume');
  const [replacing, setReplacing] = useState(false);
  const [upgrading, setUpgrading] = useState(false);

  useEffect(() => {
    app.setBlocked('Pick one of the actions.');
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  // A scale-out stopped before it finished: the plan it was adding, as the session saved it.
  const unfinished = useMemo(() => {
    if ('missing' in view || !view.unfinishedScaleOut) return undefined;
    const saved = StateStore.open(stateDir).saved()?.plan;
    if (!saved || saved.name !== view.plan.name) return undefined;
    const added = replan(view.plan, saved).diff.added.map((a) => a.name);
    return added.length ? { plan: saved, added } : undefined;
  }, [view, stateDir]);

  if (replacing) {
    return (
      <ReplaceScreen
        // The deployed cloud, not the session's plan (which may be a new one): its spares are its servers without a role.
        app={'missing' in view ? app : { ...app, plan: view.plan }}
        onDone={(plan) => {
          setReplacing(false);
          setVersion((v) => v + 1);
          const before = 'missing' in view ? [] : view.plan.nodes;
          const spare = plan.nodes.find((n) => n.role && !before.some((o) => o.name === n.name && o.role === n.role));
          setMessage({ tone: 'ok', text: `${theme.sym.ok} Replaced${spare ? `: ${spare.name} is ${spare.role} now` : ''}` });
        }}
        onCancel={() => setReplacing(false)}
      />
    );
  }

  if (upgrading) {
    return (
      <UpgradeScreen
        app={'missing' in view ? app : { ...app, plan: view.plan }}
        onDone={(plan) => {
          setUpgrading(false);
          setVersion((v) => v + 1);
          setMessage({ tone: 'ok', text: `${theme.sym.ok} Upgraded to TripleO ${releaseOf(plan)}` });
        }}
        onCancel={() => setUpgrading(false)}
      />
    );
  }

  if ('missing' in view) {
    return (
      <Box flexDirection="column">
        <Text color={theme.c('warn')} wrap="wrap">
          {theme.sym.warn} {view.missing}.
        </Text>
        <Select items={[{ label: 'Start a new installation', value: 'new' }]} onSelect={() => app.startOver?.()} />
      </Box>
    );
  }

  const next = nextRelease(view.plan);
  const items: SelectItem<Action>[] = [
    ...(unfinished ? [{ label: `Resume adding ${nameList(unfinished.added, 3)}`, value: 'resume' as const, hint: '(stopped before it finished)' }] : []),
    { label: 'Add servers', value: 'add' },
    { label: 'Replace a failed server', value: 'replace' },
    ...(next ? [{ label: `Upgrade to ${next}`, value: 'upgrade' as const, hint: `(from TripleO ${releaseOf(view.plan)}, asks first)` }] : []),
    // Where the deployment's own backups go: the plan's backups.to, else the state dir's backups folder.
    { label: 'Back up now', value: 'backup', hint: `(into ${backupPlace(view.plan, stateDir).text})` },
    { label: 'Start over', value: 'start-over', hint: '(asks first)' },
  ];

  const backUp = async (cloud: CloudView) => {
    setBusy(true);
    setMessage({ tone: 'muted', text: `Backing up${theme.sym.ellipsis}` });
    let lock;
    try {
      lock = acquireLock(stateDir, 'backing up');
      const place = backupPlace(cloud.plan, stateDir);
      const taken = await takeBackup({ stateDir, plan: cloud.plan, deployedAt: cloud.deployedAt, place, run: (argv) => runCommand(argv), prune: true });
      setMessage({ tone: 'ok', text: `${theme.sym.ok} Backed up (${taken.manifest.files.length} files, verified): ${taken.where}` });
    } catch (e) {
      setMessage({ tone: 'fail', text: `${theme.sym.fail} Not backed up: ${(e as Error).message}` });
    } finally {
      lock?.release();
      setBusy(false);
    }
  };

  const choose = (action: Action) => {
    if (busy) return;
    setLast(action);
    setMessage(undefined);
    if (action === 'resume' && unfinished) app.addServers?.(view.plan, unfinished.plan);
    else if (action === 'add') app.addServers?.(view.plan);
    else if (action === 'replace') setReplacing(true);
    else if (action === 'upgrade') setUpgrading(true);
    else if (action === 'backup') void backUp(view);
    else setAsking(true);
  };

  const where = view.plan.driver === 'sim' ? `the simulated lab ${view.plan.sim?.lab ?? '?'}` : 'real hardware';
  const health = view.health;
  const lead = 9;
  const question = asking ? startOverLine(view, stateDir) : undefined;
  const messageLines = message ? wordWrap(message.text, width) : [];
  // The servers get the rows the rest leaves (a data centre's many roles end in "N more").
  const fixed = 2 + view.tiers.length + health.length + (question ? wordWrap(question, width).length : items.length) + messageLines.length;
  const room = Math.max(1, app.bodyRows - fixed);
  const roles = view.roles.length <= room ? view.roles : view.roles.slice(0, room - 1);
  // "Controller+Compute" (all-in-one) is longer than the usual role names.
  const roleWidth = Math.max(12, ...roles.map((r) => r.role.length)) + 1;
  const serverLines = [
    ...roles.map((r) => `${r.role.padEnd(roleWidth)}${nameList(r.servers, 6)}`),
    ...(roles.length < view.roles.length ? [`${view.roles.length - roles.length} more roles: cloudseed plan FILE lists them`] : []),
  ];
  const row = (key: string, title: string, i: number, body: React.ReactNode) => (
    <Text key={key} wrap="truncate-end">
      <Text bold color={theme.c('title')}>
        {(i === 0 ? title : '').padEnd(lead)}
      </Text>
      {body}
    </Text>
  );
  const mark = (t: 'ok' | 'warn' | 'fail') => (t === 'ok' ? theme.sym.ok : t === 'warn' ? theme.sym.warn : theme.sym.fail);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        {fit(`"${view.plan.name}" on ${where}, deployed ${shortDate(view.deployedAt)}`, width)}
      </Text>
      {view.tiers.map((l, i) => row(`t${i}`, 'Tiers', i, fit(l, width - lead)))}
      {row('r', 'Release', 0, fit(`TripleO ${releaseOf(view.plan)}${next ? ` (${next} is next)` : ' (the newest cloudseed knows)'}`, width - lead))}
      {serverLines.map((l, i) => row(`s${i}`, 'Servers', i, fit(l, width - lead)))}
      {health.map((h, i) =>
        row(
          `h${i}`,
          'Health',
          i,
          <>
            <Text color={theme.c(h.tone)}>{mark(h.tone)}</Text> {fit(h.text, width - lead - mark(h.tone).length - 1)}
          </>,
        ),
      )}
      {question ? (
        <YesNo
          question={question}
          onAnswer={(yes) => {
            setAsking(false);
            if (!yes) return;
            try {
              setAsideDeployed(stateDir);
              app.startOver?.();
            } catch (e) {
              setMessage({ tone: 'fail', text: `${theme.sym.fail} Cannot set the cloud aside: ${(e as Error).message}` });
              setVersion((v) => v + 1);
            }
          }}
        />
      ) : (
        <Select items={items} initialIndex={Math.max(0, items.findIndex((i) => i.value === last))} onSelect={(i) => choose(i.value)} isActive={!busy} />
      )}
      {messageLines.map((l, i) => (
        <Text key={`m${i}`} color={theme.c(message!.tone)}>
          {l}
        </Text>
      ))}
    </Box>
  );
}

export const yourCloud: ScreenDef = {
  id: 'your-cloud',
  title: 'Your cloud',
  component: YourCloud,
  keys: [
    { keys: 'Up/Down', action: 'action' },
    { keys: 'Enter', action: 'do it' },
  ],
  goesOnByMenu: true,
  help:
    'The cloud deployed from this state directory: its tiers, its servers per role, and what cloudseed knows of its health ' +
    '(the last deployment and scale-out, failed steps, what the BMCs answered when last asked). ' +
    'Add servers goes through Servers and Roles, then shows only the change before it runs only the new servers\' steps. ' +
    'Replace a failed server picks the spare that takes its role, says why and what changes, and asks before it runs. ' +
    'Upgrade (shown when a newer TripleO release than the cloud\'s exists) goes one release forward: it shows the rollout tier by tier, ' +
    'the rolling batches and the controllers\' quorum, and asks before it runs. ' +
    'Back up now writes the seed and undercloud state with checksums. Start over forgets this cloud (it asks first).',
};

function Change({ app }: ScreenProps) {
  const theme = useTheme();
  const width = app.columns;
  const deployed = app.scaleOutOf;
  const r = useMemo(() => (deployed ? replan(deployed, app.plan) : undefined), [deployed, app.plan]);
  const errors = app.findings.filter((f) => f.severity === 'error');
  const [asking, setAsking] = useState(false);
  // Why the change cannot run from here, if it cannot.
  const blocked = !r
    ? 'Adding servers starts on Your cloud.'
    : errors.length
      ? `Fix the ${errors.length} error(s) first (Servers, Roles).`
      : r.beyond.length
        ? 'Only adding servers runs from here: put the rest back as deployed (Esc).'
        : unchanged(r.diff) || !r.steps.length
          ? 'Nothing to add: go back and add servers (Esc).'
          : undefined;
  useEffect(() => {
    app.setBlocked(blocked);
  }, [blocked]); // eslint-disable-line react-hooks/exhaustive-deps

  const added = r?.diff.added.map((a) => a.name) ?? [];
  useKeys((_input, key) => {
    if (!key.return || asking) return false;
    if (!blocked) setAsking(true);
    else app.next(); // the shell flashes why not
    return true;
  });

  const lines = r ? [...diffLines(r.diff), ...(r.beyond.length ? [] : [scaleOutLine(r) ?? ''])].filter(Boolean) : [];
  const wrap = (key: string, text: string, tone?: ColorRole, lead = '  ') =>
    wordWrap(text, width - lead.length).map((l, i) => (
      <Text key={`${key}${i}`} color={tone ? theme.c(tone) : undefined}>
        {lead}
        {l}
      </Text>
    ));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="wrap">What changes in &quot;{app.plan.name}&quot;, and only that, runs:</Text>
      {lines.flatMap((l, i) => wrap(`l${i}`, l))}
      {r?.beyond.length ? (
        <>
          <Text color={theme.c('fail')} wrap="wrap">
            {theme.sym.fail} cloudseed cannot make {r.beyond.length === 1 ? 'this change' : 'these changes'} to a deployed cloud:
          </Text>
          {r.beyond.flatMap((b, i) => wrap(`b${i}`, b, 'fail'))}
        </>
      ) : null}
      {errors.slice(0, 3).flatMap((f, i) => wrap(`e${i}`, `${f.where}: ${f.message}`, 'fail'))}
      <Text> </Text>
      {asking ? (
        <YesNo
          question={`Add ${added.length} server${added.length === 1 ? '' : 's'} to "${app.plan.name}"? This powers on, PXE boots and writes to ${nameList(added, 8)}; nothing else changes. y/n`}
          onAnswer={(yes) => {
            setAsking(false);
            if (!yes) return;
            app.setPlan((p) => ({ ...p, options: { ...p.options, confirmedAt: new Date().toISOString() } }));
            app.goTo('deploy');
          }}
        />
      ) : (
        <Text color={theme.c(blocked ? 'muted' : 'accent')} wrap="wrap">
          {blocked ?? `Enter: add ${nameList(added, 4)} (asks first)`}
        </Text>
      )}
    </Box>
  );
}

export const change: ScreenDef = {
  id: 'change',
  title: 'The change',
  component: Change,
  keys: [{ keys: 'Enter', action: 'add the servers' }],
  goesOnByMenu: true,
  help:
    'The difference between the deployed cloud and the plan as Servers and Roles left it. Only adding servers runs from here: ' +
    'their enrolment, inspection and deployment, matching roles, and the configuration of the roles they join. ' +
    'Nothing else of the deployed cloud is touched.',
};
