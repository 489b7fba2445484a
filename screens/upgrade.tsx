// Upgrade the deployed cloud to the next TripleO release: the rollout (tiers, batches, the
// controllers' quorum), confirm, then watch the upgrade in the deploy panels. Not a wizard
// step: the "Your cloud" screen shows it in its place.
import React, { useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { unfinishedOperation, unfinishedRefusal } from '../src/deploy/operation.js';
import type { DeploySession } from '../src/deploy/session.js';
import { plannedUpgrade, type PlannedUpgrade } from '../src/deploy/upgrade-command.js';
import { releaseOf, type Plan } from '../src/plan/schema.js';
import { nextRelease, UpgradeError } from '../src/plan/upgrade.js';
import { readDeployed } from '../src/store/deployed.js';
import { wordWrap } from './components/help.js';
import { useKeys } from './components/keys.js';
import { useTheme, type ColorRole } from './components/theme.js';
import { DeployPanels } from './deploy.js';
import { startScreenRun } from './deploy-run.js';
import type { AppContext } from './types.js';

export interface UpgradeScreenProps {
  app: Pick<AppContext, 'plan' | 'setPlan' | 'ui' | 'lab' | 'columns' | 'bodyRows' | 'goTo' | 'next' | 'setRunning'>;
  /** The upgrade finished: the plan at the new release (already set with app.setPlan). */
  onDone?(plan: Plan): void;
  /** Esc or n before the run started. */
  onCancel?(): void;
}

/** The upgrade of the cloud deployed from the state dir to the release after its own, or why there is none. */
function prepare(stateDir: string): { planned: PlannedUpgrade; resumes: boolean } | { error: string } {
  const deployed = readDeployed(stateDir);
  if (!('record' in deployed)) return { error: `${deployed.missing}: there is no deployed cloud to upgrade` };
  const cloud = deployed.record.plan;
  const to = nextRelease(cloud);
  if (!to) return { error: `${releaseOf(cloud)} is the newest release cloudseed knows: there is nothing to upgrade to` };
  const other = unfinishedRefusal(stateDir, ['upgrade'], 'upgrade');
  if (other) return { error: other };
  try {
    return { planned: plannedUpgrade(deployed.record, { ...cloud, options: { ...cloud.options, tripleoRelease: to } }), resumes: unfinishedOperation(stateDir)?.kind === 'upgrade' };
  } catch (e) {
    if (e instanceof UpgradeError) return { error: e.message };
    throw e;
  }
}

type Run = { session?: DeploySession; error?: string };

export function UpgradeScreen({ app, onDone, onCancel }: UpgradeScreenProps) {
  const theme = useTheme();
  const prepared = useMemo(() => prepare(app.ui.stateDir), [app.ui.stateDir]);
  const [run, setRun] = useState<Run | undefined>();
  const width = Math.max(40, app.columns);

  const start = (p: PlannedUpgrade) => {
    setRun({});
    startScreenRun({ plan: p.upgrade.plan, deployment: p.deployment, stateDir: app.ui.stateDir, world: app.lab }).then(
      (session) => setRun({ session }),
      (e: unknown) => setRun({ error: e instanceof Error ? e.message : String(e) }),
    );
  };

  useKeys((input, key) => {
    if (run) return false;
    if (key.escape || input === 'n' || input === 'N') {
      onCancel?.();
      return true;
    }
    if ('planned' in prepared && (input === 'y' || input === 'Y')) {
      start(prepared.planned);
      return true;
    }
    return 'error' in prepared;
  });

  const wrapped = (key: string, text: string, tone?: ColorRole) =>
    wordWrap(text, width).map((l, i) => (
      <Text key={`${key}${i}`} color={tone ? theme.c(tone) : undefined}>
        {l}
      </Text>
    ));

  if ('error' in prepared) {
    return (
      <Box flexDirection="column">
        <Text bold>Upgrade</Text>
        {wrapped('e', `${theme.sym.fail} ${prepared.error}`, 'fail')}
        <Text color={theme.c('muted')}>Nothing was changed. Esc: back.</Text>
      </Box>
    );
  }

  const { upgrade } = prepared.planned;
  if (!run) {
    // The first line ("upgrade "x": TripleO a -> b") is the title; the CLI's resume line names its command.
    const [, ...rollout] = [
      upgrade.lines[0],
      `first the seed and undercloud state is backed up as it is on ${upgrade.from}`,
      ...upgrade.lines.slice(1).map((l) => (l.startsWith('a failed batch') ? 'a failed batch stops the rollout; it resumes from that batch' : l)),
    ];
    return (
      <Box flexDirection="column">
        <Text bold>
          Upgrade &quot;{upgrade.plan.name}&quot; from TripleO {upgrade.from} to {upgrade.to}
        </Text>
        <Text> </Text>
        {rollout.flatMap((l, i) => wrapped(`l${i}`, l.startsWith('  ') ? `  ${theme.sym.bullet} ${l.trim()}` : l))}
        {prepared.resumes ? wrapped('r', 'The unfinished upgrade resumes: the steps done are not run again.', 'muted') : null}
        <Text> </Text>
        {wrapped('q', `Upgrade to ${upgrade.to} now? y: yes, n: no, Esc: back`, 'warn')}
      </Box>
    );
  }

  if (run.error) return <Box flexDirection="column">{wrapped('e', `${theme.sym.fail} The upgrade cannot start: ${run.error}`, 'fail')}</Box>;
  if (!run.session) return <Text color={theme.c('muted')}>Starting the upgrade{theme.sym.ellipsis}</Text>;
  const { session } = run;
  return (
    <DeployPanels
      app={app}
      session={session}
      onDone={() => {
        app.setPlan(() => upgrade.plan);
        onDone?.(upgrade.plan);
      }}
      onResume={() => start(prepared.planned)}
    />
  );
}
