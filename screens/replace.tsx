// Replace a failed server: pick the server, see the spare that takes its role and why, the
// quorum line for a controller, confirm, then watch the replacement in the deploy panels.
// Not a wizard step: the "Your cloud" screen shows it in its place.
import React, { useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { prepareReplacement, replacementLines, type PreparedReplacement } from '../src/deploy/replace.js';
import type { DeploySession } from '../src/deploy/session.js';
import { ReplaceError } from '../src/plan/replace.js';
import type { Plan } from '../src/plan/schema.js';
import { readDeployed } from '../src/store/deployed.js';
import { wordWrap } from './components/help.js';
import { useKeys } from './components/keys.js';
import { Select } from './components/select.js';
import { useTheme } from './components/theme.js';
import { DeployPanels } from './deploy.js';
import { startScreenRun } from './deploy-run.js';
import type { AppContext } from './types.js';

export interface ReplaceScreenProps {
  app: Pick<AppContext, 'plan' | 'setPlan' | 'ui' | 'lab' | 'columns' | 'bodyRows' | 'goTo' | 'next' | 'setRunning'>;
  /** The server picked on the "Your cloud" screen; absent: the person picks it here. */
  server?: string;
  /** The replacement finished: the plan now has the spare in the role (already set with app.setPlan). */
  onDone?(plan: Plan): void;
  /** Esc before the run started. */
  onCancel?(): void;
}

type Phase = { at: 'pick' } | { at: 'review'; server: string; prepared?: PreparedReplacement; error?: string } | { at: 'run'; prepared: PreparedReplacement; session?: DeploySession; error?: string };

function review(app: ReplaceScreenProps['app'], server: string): Phase {
  try {
    return { at: 'review', server, prepared: prepareReplacement(app.plan, app.ui.stateDir, server) };
  } catch (e) {
    if (e instanceof ReplaceError) return { at: 'review', server, error: e.message };
    throw e;
  }
}

export function ReplaceScreen({ app, server, onDone, onCancel }: ReplaceScreenProps) {
  const theme = useTheme();
  const [phase, setPhase] = useState<Phase>(() => (server ? review(app, server) : { at: 'pick' }));
  const width = Math.max(40, app.columns);
  // Read once: the pick list re-renders on every key, and a data centre's record is large.
  const deployed = useMemo(() => readDeployed(app.ui.stateDir), [app.ui.stateDir]);

  const start = (prepared: PreparedReplacement) => {
    const r = prepared.replacement;
    setPhase({ at: 'run', prepared });
    startScreenRun({ plan: r.plan, deployment: prepared.deployment, deployed: prepared.deployed, stateDir: app.ui.stateDir, world: app.lab }).then(
      (session) => setPhase({ at: 'run', prepared, session }),
      (e: unknown) => setPhase({ at: 'run', prepared, error: e instanceof Error ? e.message : String(e) }),
    );
  };

  useKeys((input, key) => {
    if (phase.at === 'review') {
      if (key.escape) {
        if (server) onCancel?.();
        else setPhase({ at: 'pick' });
        return true;
      }
      if (phase.prepared && (input === 'y' || input === 'Y')) {
        start(phase.prepared);
        return true;
      }
      if (input === 'n' || input === 'N') {
        onCancel?.();
        return true;
      }
      return phase.error !== undefined;
    }
    if (phase.at === 'pick' && key.escape) {
      onCancel?.();
      return true;
    }
    return false;
  });

  if (phase.at === 'pick') {
    const servers = 'record' in deployed ? deployed.record.plan.nodes.filter((n) => n.role && n.role !== 'Undercloud') : [];
    if (!servers.length) {
      return <Text color={theme.c('fail')}>{'missing' in deployed ? deployed.missing : 'the deployed cloud has no overcloud server'}. Esc: back.</Text>;
    }
    return (
      <Box flexDirection="column">
        <Text bold>Which server failed (or is to be retired)?</Text>
        <Select
          items={servers.map((n) => ({ label: n.name, value: n.name, hint: n.role }))}
          limit={Math.max(3, app.bodyRows - 3)}
          onSelect={(item) => setPhase(review(app, item.value))}
        />
        <Text color={theme.c('muted')}>Enter: plan its replacement. Esc: back.</Text>
      </Box>
    );
  }

  if (phase.at === 'review') {
    if (phase.error || !phase.prepared) {
      return (
        <Box flexDirection="column">
          <Text bold>Replace {phase.server}</Text>
          {wordWrap(`${theme.sym.fail} ${phase.error}`, width).map((l, i) => (
            <Text key={i} color={theme.c('fail')}>
              {l}
            </Text>
          ))}
          <Text color={theme.c('muted')}>Nothing was changed. Esc: back.</Text>
        </Box>
      );
    }
    const r = phase.prepared.replacement;
    const lines = replacementLines(r, app.plan);
    return (
      <Box flexDirection="column">
        <Text bold>
          Replace {r.old.name} ({r.old.role}) with {r.spare.name}
        </Text>
        <Text> </Text>
        <Text>Spare: {r.spare.name}</Text>
        {wordWrap(`  why: ${r.spare.why}`, width).map((l, i) => (
          <Text key={`w${i}`} color={theme.c('muted')}>
            {l}
          </Text>
        ))}
        {r.quorum
          ? wordWrap(`Quorum: ${r.quorum.line}`, width).map((l, i) => (
              <Text key={`q${i}`} color={theme.c(r.quorum!.keeps ? 'ok' : 'warn')}>
                {l}
              </Text>
            ))
          : null}
        <Text> </Text>
        <Text bold>What changes</Text>
        {lines
          // The quorum and the spare's why are said above.
          .filter((l) => !l.startsWith('one controller at a time'))
          .map((l) => l.split(' -- ')[0])
          .flatMap((l) => wordWrap(`${theme.sym.bullet} ${l}`, width))
          .map((l, i) => (
            <Text key={`c${i}`}>{l}</Text>
          ))}
        <Text> </Text>
        <Text bold color={theme.c('warn')}>
          Replace {r.old.name} with {r.spare.name} now? y: yes, n: no, Esc: back
        </Text>
      </Box>
    );
  }

  if (phase.error) {
    return (
      <Box flexDirection="column">
        {wordWrap(`${theme.sym.fail} The replacement cannot start: ${phase.error}`, width).map((l, i) => (
          <Text key={i} color={theme.c('fail')}>
            {l}
          </Text>
        ))}
      </Box>
    );
  }
  if (!phase.session) return <Text color={theme.c('muted')}>Starting the replacement{theme.sym.ellipsis}</Text>;
  const { session, prepared } = phase;
  return (
    <DeployPanels
      app={app}
      session={session}
      onDone={() => {
        const plan = prepared.replacement.plan;
        app.setPlan(() => plan);
        onDone?.(plan);
      }}
      onResume={() => start(prepared)}
    />
  );
}
