// Done: what was deployed, where to reach it, where the admin credentials are, how long
// each tier took, and where the log and the answers are kept.
import React, { useMemo } from 'react';
import { Box, Text } from 'ink';
import { join } from 'node:path';
import { journalPath, readJournal } from '../src/deploy/journal.js';
import { logFilePath } from '../src/deploy/sinks.js';
import { deploySummary, formatDuration } from '../src/deploy/summary.js';
import { STATE_FILE } from '../src/store/state.js';
import { fit, useTheme } from './components/theme.js';
import { currentDeploy } from './deploy-run.js';
import type { ScreenDef, ScreenProps } from './types.js';

function Done({ app }: ScreenProps) {
  const theme = useTheme();
  const entry = currentDeploy(app.ui.stateDir);
  const session = entry?.session;
  const width = app.columns;
  const stateDir = app.ui.stateDir;
  const view = session?.store.getSnapshot();
  const plan = entry?.plan ?? app.plan;
  // This run's deployment, or one an earlier run finished (the journal says so). The journal
  // and the credentials file are read when the screen opens, not on every frame.
  const s = useMemo(() => {
    const journal = readJournal(stateDir);
    return view?.runState === 'done' || journal.state === 'done' ? deploySummary(plan, view, stateDir, journal) : undefined;
  }, [plan, view, stateDir]);
  if (!s) {
    return (
      <Text color={theme.c('muted')} wrap="wrap">
        Nothing deployed yet. Go back to Review and choose Deploy.
      </Text>
    );
  }
  const logPath = session?.logPath ?? logFilePath(stateDir);
  const line = (label: string, value: string) => (
    <Text wrap="truncate-end">
      <Text color={theme.c('muted')}>{label.padEnd(13)}</Text>
      {fit(value, width - 13)}
    </Text>
  );
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.c('ok')}>
        {theme.sym.ok} Your cloud "{plan.name}" is deployed.
      </Text>
      <Text> </Text>
      {s.deployed.map((d) => (
        <Text key={d} wrap="truncate-end">
          {'  '}
          {theme.sym.bullet} {fit(d, width - 4)}
        </Text>
      ))}
      <Text> </Text>
      {s.endpoints.map((e) => line(e.name.split(' ')[0], e.url))}
      {line('Credentials', `${s.credentialsPath}${s.credentialsMode ? ` (mode ${s.credentialsMode})` : ' (not written)'}`)}
      {line('', s.credentialsMode ? 'source it, then: openstack server list' : 'this run wrote none: the undercloud that deployed the overcloud holds them')}
      <Text> </Text>
      {line('Time', `${formatDuration(s.totalMs)} in all: ${s.tierMs.map((t) => `${t.tier} ${formatDuration(t.ms)}`).join(', ')}`)}
      {line('Log', logPath)}
      {line('Journal', journalPath(stateDir))}
      {line('Answers', `${join(stateDir, STATE_FILE)} (the saved plan; Review saves a YAML file)`)}
      <Text> </Text>
      <Text color={theme.c('muted')}>q quits. `cloudseed status` shows the journal later.</Text>
    </Box>
  );
}

export const done: ScreenDef = {
  id: 'done',
  title: 'Done',
  component: Done,
  keys: [],
  help: 'The deployment finished. The endpoints answer at the addresses above; the credentials file holds the admin password (keep it private, mode 0600).',
};
