// Done: what the person now has and how to use it: what was deployed and how long it took,
// the endpoints, the admin user and where its password is, how to reach the undercloud, the
// answers file (saved as YAML here, at once), the log, and what to do next.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { join } from 'node:path';
import { readJournal } from '../src/deploy/journal.js';
import { logFilePath } from '../src/deploy/sinks.js';
import { deploySummary, formatDuration } from '../src/deploy/summary.js';
import { saveAnswers } from '../src/plan/answers.js';
import type { Plan } from '../src/plan/schema.js';
import { wordWrap } from './components/help.js';
import { useTheme, type ColorRole } from './components/theme.js';
import { currentDeploy } from './deploy-run.js';
import type { ScreenDef, ScreenProps } from './types.js';

/** The answers file the Done screen keeps next to the journal. */
export const DONE_ANSWERS_FILE = 'cloudseed-answers.yaml';

/** `ssh stack@192.168.24.2`: the undercloud's shell (the plan's own ssh settings when it has them). */
export function undercloudSsh(plan: Plan): string {
  const ssh = plan.undercloud.ssh;
  if (ssh) return `ssh ${ssh.port ? `-p ${ssh.port} ` : ''}${ssh.user}@${ssh.host}`;
  return `ssh stack@${plan.network.provisioning.undercloudIp ?? 'the undercloud'}`;
}

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
  // The plan that was deployed, as an answers file, without being asked: `cloudseed deploy`
  // and version control take it as it is.
  const answers = join(stateDir, DONE_ANSWERS_FILE);
  const [saved, setSaved] = useState<string | undefined>();
  useEffect(() => {
    if (!s) return;
    try {
      saveAnswers(answers, plan);
      setSaved(`${answers} (saved now, mode 0600)`);
    } catch (e) {
      setSaved(`not saved: cannot write ${answers} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); Review saves it elsewhere`);
    }
  }, [s === undefined]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!s) {
    return (
      <Text color={theme.c('muted')} wrap="wrap">
        Nothing deployed yet. Go back to Review and choose Deploy.
      </Text>
    );
  }
  const logPath = session?.logPath ?? logFilePath(stateDir);
  const label = 12;
  // Wrapped here, line by line, under the text's first column: nothing is cut off.
  const lines = (key: string, text: string, lead = '', tone?: ColorRole) =>
    wordWrap(text, width - lead.length).map((l, i) => (
      <Text key={`${key}${i}`} color={tone ? theme.c(tone) : undefined}>
        <Text color={theme.c('title')}>{i === 0 ? lead : ' '.repeat(lead.length)}</Text>
        {l}
      </Text>
    ));
  const field = (name: string, value: string) => lines(name, value, name.padEnd(label));
  const [dashboard, identity] = s.endpoints;
  const credentials = s.credentialsMode ? s.credentialsPath : undefined;
  return (
    <Box flexDirection="column" width={width}>
      {lines('head', `${theme.sym.ok} "${plan.name}" is deployed, in ${formatDuration(s.totalMs)} (${s.tierMs.map((t) => `${t.tier} ${formatDuration(t.ms)}`).join(', ')}).`, '', 'ok')}
      {lines('what', s.deployed.join('; '))}
      <Text> </Text>
      {field('Dashboard', `${dashboard.url} (API: ${identity.url})`)}
      {field('Admin', credentials ? `user admin, password in ${credentials} (mode ${s.credentialsMode}): source it` : 'user admin; this run wrote no credentials file: the undercloud holds overcloudrc')}
      {field('Undercloud', `${undercloudSsh(plan)}, then: source ~/stackrc`)}
      {field('Answers', saved ?? answers)}
      {field('Log', logPath)}
      <Text> </Text>
      <Text bold>Next steps, with the admin credentials sourced:</Text>
      {field('  Images', 'openstack image create --disk-format qcow2 --file FILE NAME')}
      {field('  Flavors', 'openstack flavor create --vcpus 2 --ram 4096 --disk 20 NAME')}
      {field('  Networks', 'openstack network create --external public (a subnet, a router)')}
      {field('  Servers', `more: cloudseed opens on Your cloud: Add servers (or add them to ${DONE_ANSWERS_FILE}, then cloudseed add FILE)`)}
    </Box>
  );
}

export const done: ScreenDef = {
  id: 'done',
  title: 'Done',
  component: Done,
  keys: [],
  help:
    'The deployment finished. The dashboard and the APIs answer at the addresses shown; the admin ' +
    'password is in the credentials file (keep it private, mode 0600). The undercloud is reached over ' +
    'ssh; its stackrc holds its own credentials. The answers file saved here deploys the same cloud ' +
    'again with `cloudseed deploy FILE`. `cloudseed status` shows the journal later.',
};
