// Welcome: what cloudseed will do (the three tiers), then how to start: new, resume,
// an answers file, or the simulated lab. Its first frame is cloudseed's first: what it
// needs of the plan (schema, answers files, labs) comes from ./later.ts once loaded.
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { listLabs } from '../src/lab/names.js';
import { laterNow, loadLater, type Later } from './lazy.js';
import { useKeys } from './components/keys.js';
import { Select, type SelectItem } from './components/select.js';
import { TextField } from './components/text-field.js';
import { YesNo } from './components/yes-no.js';
import { useTheme } from './components/theme.js';
import { shortDate } from './components/time.js';
import type { Plan } from '../src/plan/schema.js';
import type { ScreenDef, ScreenId, ScreenProps } from './types.js';

type Choice = 'continue' | 'new' | 'resume' | 'answers' | 'lab';

const SCREEN_NAMES: Record<ScreenId, string> = {
  welcome: 'Welcome',
  host: 'This host',
  servers: 'Servers',
  network: 'Network',
  roles: 'Roles',
  review: 'Review',
  deploy: 'Deploy',
  done: 'Done',
  'your-cloud': 'Your cloud',
  change: 'The change',
};

function Tiers() {
  const theme = useTheme();
  const tier = (title: string, line: string) => (
    <Box borderStyle={theme.border} borderColor={theme.c('muted')} paddingX={1} width={22} flexDirection="column" flexShrink={0}>
      <Text bold color={theme.c('title')}>
        {title}
      </Text>
      <Text>{line}</Text>
    </Box>
  );
  const arrow = (
    <Box width={5} justifyContent="center" alignItems="center" flexShrink={0}>
      <Text color={theme.c('accent')}>{theme.ascii ? '-->' : '──→'}</Text>
    </Box>
  );
  return (
    <Box>
      {tier('1 Seed', 'a VM on this host')}
      {arrow}
      {tier('2 Undercloud', 'manages hardware')}
      {arrow}
      {tier('3 Overcloud', 'your cloud')}
    </Box>
  );
}

function Welcome({ app }: ScreenProps) {
  const theme = useTheme();
  const [mode, setMode] = useState<'menu' | 'answers' | 'lab'>('menu');
  // Back from a sub-step, the cursor is where it was; a saved installation is resumed by default.
  const [lastChoice, setLastChoice] = useState<Choice>(app.started ? 'continue' : app.saved ? 'resume' : 'new');
  // Starting anew while work exists: what would be lost, and the start that waits for y.
  const [asking, setAsking] = useState<{ lost: string; start(): void } | undefined>();
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    app.setBlocked(app.started ? undefined : 'Pick one of the choices to begin.');
  }, [app.started]); // eslint-disable-line react-hooks/exhaustive-deps

  // Back on Welcome with a plan under way: going on is the first choice, starting over
  // says what it costs.
  const items: SelectItem<Choice>[] = app.started ? [{ label: 'Continue with this installation', value: 'continue' }] : [];
  if (app.saved && !app.started)
    items.push({ label: app.saved.screen === 'done' ? 'Open the deployed installation' : 'Resume the saved installation', value: 'resume', hint: `(${savedWhat(app.saved)})` });
  items.push({
    label: app.started ? 'Start over (the plan so far is forgotten)' : app.labName ? `Start a new installation on the simulated lab "${app.labName}"` : 'Start a new installation',
    value: 'new',
    hint: app.saved && !app.started ? '(asks first)' : undefined,
  });
  items.push({ label: 'Load an answers file', value: 'answers' });
  if (!app.labName) items.push({ label: 'Try the simulated lab (no hardware needed)', value: 'lab' });

  // At once when ./later.ts is loaded (it is, a moment after the first frame), else when it is.
  const withLater = (use: (later: Later) => void) => {
    const later = laterNow();
    if (later) return use(later);
    loadLater().then(use, (e: unknown) => setError(`cloudseed is incomplete: ${(e as Error).message}`));
  };

  // What a new start would throw away: the plan under way, or the saved installation.
  const lost = app.started ? `the plan so far (${app.plan.nodes.length} servers)` : app.saved ? `the saved installation (${savedWhat(app.saved)})` : undefined;
  const begin = (plan: Plan, at?: ScreenId) => {
    if (!lost) return app.begin(plan, at);
    setAsking({ lost, start: () => app.begin(plan, at) });
  };

  const choose = (choice: Choice) => {
    setLastChoice(choice);
    if (choice === 'continue') app.next();
    else if (choice === 'new') withLater(({ labPlan, emptyPlan }) => begin(app.labName ? labPlan(app.labName) : emptyPlan({ driver: 'real' })));
    else if (choice === 'resume') app.resume();
    else setMode(choice);
  };

  const load = (file: string) => withLater((later) => loadWith(later, file));
  const loadWith = ({ loadAnswers }: Later, file: string) => {
    if (!file.trim()) return setError('Type the path of a YAML or JSON answers file.');
    const result = loadAnswers(file.trim());
    if (!result.plan) {
      const first = result.findings[0];
      const more = result.findings.length > 1 ? ` (+${result.findings.length - 1} more: cloudseed validate ${file.trim()})` : '';
      return setError(first ? `${first.where}: ${first.message}${more}` : `${file}: cannot be used`);
    }
    setError(undefined);
    begin(result.plan, 'review');
  };

  // Read when asked for (it parses every lab file); the default lab first: two machines is
  // where a newcomer should start.
  const labs = useMemo(() => (mode === 'lab' ? listLabs().sort((a, b) => Number(b === 'two-machine') - Number(a === 'two-machine')) : []), [mode]);
  return (
    <Box flexDirection="column">
      <Text wrap="wrap">cloudseed installs an OpenStack cloud in three tiers, each building the next:</Text>
      <Tiers />
      <Text wrap="wrap" color={theme.c('muted')}>
        The seed installs the undercloud; the undercloud installs your servers.
      </Text>
      <Text> </Text>
      {asking ? (
        <YesNo
          question={`Start anew? This forgets ${asking.lost}. y starts anew, n keeps it.`}
          onAnswer={(yes) => {
            setAsking(undefined);
            if (yes) asking.start();
          }}
        />
      ) : null}
      {mode === 'menu' && !asking && <Select items={items} initialIndex={Math.max(0, items.findIndex((i) => i.value === lastChoice))} onSelect={(i) => choose(i.value)} />}
      {mode === 'answers' && (
        <Box flexDirection="column">
          <TextField
            label="Answers file"
            value={path}
            placeholder="e.g. ./cloudseed-answers.yaml"
            onChange={(v) => {
              setPath(v);
              setError(undefined);
            }}
            onSubmit={load}
            onCancel={() => {
              setMode('menu');
              setError(undefined);
            }}
            error={error}
          />
          <Text color={theme.c('muted')}>Enter loads it{theme.sym.sep}Esc goes back to the choices</Text>
        </Box>
      )}
      {mode === 'lab' && (
        <Box flexDirection="column">
          <Text>Which simulated lab?</Text>
          <Select
            items={labs.map((name) => ({ label: name, value: name, hint: LAB_HINTS[name] }))}
            onSelect={(i) => withLater(({ labPlan }) => begin(labPlan(i.value)))}
          />
          <LabBack onBack={() => setMode('menu')} />
        </Box>
      )}
    </Box>
  );
}

const LAB_HINTS: Record<string, string> = {
  'two-machine': '- this host and one server (all-in-one overcloud)',
  'ha-lab': '- six mixed servers, one BMC unreachable, one wrong password',
  datacenter: '- 1,000 generated servers',
};

/** "2026-11-25 15:20, at Review, 2 servers" */
function savedWhat(saved: NonNullable<ScreenProps['app']['saved']>): string {
  const where = saved.screen === 'done' ? 'deployed' : `at ${SCREEN_NAMES[saved.screen]}`;
  return `${shortDate(saved.updatedAt)}, ${where}${saved.servers !== undefined ? `, ${saved.servers} server${saved.servers === 1 ? '' : 's'}` : ''}`;
}

/** Esc in the lab list returns to the choices instead of leaving Welcome. */
function LabBack({ onBack }: { onBack(): void }) {
  const theme = useTheme();
  useKeys((_input, key) => {
    if (!key.escape) return false;
    onBack();
    return true;
  });
  return <Text color={theme.c('muted')}>Enter picks{theme.sym.sep}Esc goes back to the choices</Text>;
}

export const welcome: ScreenDef = {
  id: 'welcome',
  title: 'Welcome',
  component: Welcome,
  keys: [
    { keys: 'Up/Down', action: 'choose' },
    { keys: 'Enter', action: 'pick' },
  ],
  goesOnByMenu: true,
  help:
    'cloudseed builds your cloud in three tiers: a small seed cloud in a VM on this machine, ' +
    'which installs the undercloud (it manages your hardware), which installs the overcloud on ' +
    'your servers. Start a new installation, resume the one you saved, load an answers file ' +
    'written earlier (or by `cloudseed init`), or try everything on a simulated lab first.',
};
