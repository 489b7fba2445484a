// Review: the plan summarised per section, the findings grouped by the screen that owns
// them (Enter jumps there), and saving the answers file.
import React, { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import { resolve } from 'node:path';
import { saveAnswers } from '../src/plan/answers.js';
import type { Finding, FindingScreen } from '../src/plan/findings.js';
import { OVERCLOUD_ROLES, type Plan } from '../src/plan/schema.js';
import { FindingList, findingLines } from './components/finding-list.js';
import { useKeys } from './components/keys.js';
import { ReviewPlan } from './review-plan.js';
import { Select, type SelectItem } from './components/select.js';
import { TextField } from './components/text-field.js';
import { YesNo } from './components/yes-no.js';
import { wordWrap } from './components/help.js';
import { useTheme } from './components/theme.js';
import { shortDate } from './components/time.js';
import type { AppContext, ScreenDef, ScreenId, ScreenProps } from './types.js';
import { deployAction, isDeployed } from './deploy.js';

// ---------------------------------------------------------------------------------------
// What other screens put on Review: "what will happen per tier" (ReviewPlan, `height` rows;
// it may ask for the whole screen below the summary with onFullView), and the actions after
// review (REVIEW_ACTIONS: Deploy).
interface ReviewAction {
  /** The menu line, e.g. "Deploy". */
  label(app: AppContext): string;
  /** Dim text after the label. */
  hint?(app: AppContext): string | undefined;
  /** Greyed out when this returns a reason (e.g. "fix the errors first"). */
  disabledReason?(app: AppContext): string | undefined;
  /** What is at stake, asked before it runs: the word to type, or y/n without one. */
  confirm?(app: AppContext): { prompt: string; word?: string } | undefined;
  run(app: AppContext): void;
}
export type ReviewTiersProps = ScreenProps & { height: number; onFullView?(on: boolean): void };
const REVIEW_ACTIONS: ReviewAction[] = [deployAction];
// ---------------------------------------------------------------------------------------

const DEFAULT_ANSWERS_FILE = './cloudseed-answers.yaml';

const GROUPS: Array<{ screen: FindingScreen; title: string }> = [
  { screen: 'host', title: 'This host' },
  { screen: 'servers', title: 'Servers' },
  { screen: 'network', title: 'Network' },
  { screen: 'roles', title: 'Roles' },
  { screen: 'review', title: 'Plan' },
  { screen: 'deploy', title: 'Deploy' },
];

/** "3 servers: 1 Controller, 2 Compute, 1 without a role; 2 imported, 1 scanned". */
function serversSummary(plan: Plan): string {
  const n = plan.nodes.length;
  if (n === 0) return 'none yet';
  const byRole = new Map<string, number>();
  const bySource = new Map<string, number>();
  for (const node of plan.nodes) {
    // All-in-one: the one controller is the compute too.
    const role = node.role === 'Controller' && plan.roles.allInOne ? 'Controller+Compute (all-in-one)' : (node.role ?? 'no role');
    byRole.set(role, (byRole.get(role) ?? 0) + 1);
    const source = node.source ?? 'form';
    bySource.set(source, (bySource.get(source) ?? 0) + 1);
  }
  const roles = [...byRole].map(([r, c]) => `${c} ${r}`).join(', ');
  const sources = [...bySource].map(([s, c]) => `${c} ${SOURCE_WORDS[s] ?? s}`).join(', ');
  return `${n}: ${roles}; ${sources}`;
}

const SOURCE_WORDS: Record<string, string> = { import: 'imported', scan: 'scanned', form: 'typed in', lab: 'from the lab' };

function rolesSummary(plan: Plan): string {
  const u = plan.roles.undercloud;
  const where = u.placement === 'vm' ? 'a VM on this host' : `server ${u.node ?? '(not chosen)'}`;
  const targets = OVERCLOUD_ROLES.filter((r) => plan.roles.targets[r] !== undefined).map((r) => `${r} ${plan.roles.targets[r]}`);
  return `undercloud on ${where}; ${targets.length ? targets.join(', ') : 'role counts as suggested'}${plan.roles.allInOne ? '; all-in-one' : ''}`;
}

function networkSummary(plan: Plan): string {
  const n = plan.network;
  const iso = Object.entries(n.isolated).filter(([, v]) => v?.enabled).length;
  return `${n.layout}${n.layout === 'isolated' ? ` (${iso} isolated networks)` : ''}; provisioning ${n.provisioning.cidr}${n.provisioning.nic ? ` on ${n.provisioning.nic}` : ''}; external ${n.external.cidr}`;
}

function driverSummary(plan: Plan): string {
  if (plan.driver === 'sim') return `simulated lab ${plan.sim?.lab ?? '(none)'} at ${plan.sim?.speed ?? 60}x speed`;
  return 'real hardware';
}

function Summary({ plan, width }: { plan: Plan; width: number }) {
  const theme = useTheme();
  const rows: Array<[string, string]> = [
    ['Cloud', `${plan.name}, ${driverSummary(plan)}`],
    ['This host', `${plan.seedHost.hostname ?? 'not probed yet'}; provisioning NIC ${plan.network.provisioning.nic ?? 'not chosen'}`],
    ['Servers', serversSummary(plan)],
    ['Network', networkSummary(plan)],
    ['Roles', rolesSummary(plan)],
    ['Options', `${plan.options.concurrency} servers at a time${plan.options.confirmedAt ? `; confirmed ${shortDate(plan.options.confirmedAt)}` : ''}`],
  ];
  return (
    <Box flexDirection="column" width={width}>
      {rows.map(([k, v]) => (
        <Box key={k}>
          <Box width={11} flexShrink={0}>
            <Text bold color={theme.c('title')}>
              {k}
            </Text>
          </Box>
          <Text wrap="truncate-end">{v}</Text>
        </Box>
      ))}
    </Box>
  );
}

type Item = { kind: 'group'; screen: FindingScreen } | { kind: 'save' } | { kind: 'action'; index: number };

function count(findings: Finding[]): string {
  const e = findings.filter((f) => f.severity === 'error').length;
  const w = findings.length - e;
  return [e ? `${e} error${e > 1 ? 's' : ''}` : '', w ? `${w} warning${w > 1 ? 's' : ''}` : ''].filter(Boolean).join(', ');
}

function Review({ app }: ScreenProps) {
  const theme = useTheme();
  const [mode, setMode] = useState<'menu' | 'save' | 'confirm' | 'findings'>('menu');
  // The whole findings list, scrolled (f): none is left out as "+N more".
  const [findingTop, setFindingTop] = useState(0);
  const [confirming, setConfirming] = useState<{ action: ReviewAction; prompt: string; word?: string } | undefined>();
  const [typed, setTyped] = useState('');
  const [confirmError, setConfirmError] = useState<string | undefined>();
  const [highlight, setHighlight] = useState<Item | undefined>();
  const [path, setPath] = useState(DEFAULT_ANSWERS_FILE);
  const [saveError, setSaveError] = useState<string | undefined>();
  const [savedTo, setSavedTo] = useState<string | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const [fullView, setFullView] = useState(false);

  // Moving on from Review is confirming the plan: only through an action (Deploy), never
  // by a stray Enter or arrow.
  const errors = app.findings.filter((f) => f.severity === 'error').length;
  useEffect(() => {
    app.setBlocked(errors > 0 ? `Fix the ${errors} error${errors > 1 ? 's' : ''} before going on.` : REVIEW_ACTIONS.length ? `Choose ${REVIEW_ACTIONS[0].label(app)} to go on.` : undefined);
  }, [errors]); // eslint-disable-line react-hooks/exhaustive-deps

  const byScreen = (s: FindingScreen) => app.findings.filter((f) => (f.screen ?? 'review') === s);
  const groups = GROUPS.filter((g) => byScreen(g.screen).length > 0);
  const items: SelectItem<Item>[] = [
    ...groups.map((g) => ({ label: `${g.title}: ${count(byScreen(g.screen))}`, value: { kind: 'group', screen: g.screen } as Item })),
    { label: 'Save the answers file', value: { kind: 'save' } },
    ...REVIEW_ACTIONS.map((a, index) => {
      const reason = a.disabledReason?.(app);
      return { label: a.label(app), value: { kind: 'action', index } as Item, hint: reason ? `(${reason})` : a.hint?.(app), disabled: reason !== undefined };
    }),
  ];
  // One way forward: without errors (warnings are listed under the menu), or once it is
  // saved, the cursor starts on the first action that can run (Deploy); with errors, on the
  // first group to fix.
  const firstAction = items.findIndex((i) => i.value.kind === 'action' && !i.disabled);
  const initialIndex = firstAction >= 0 && (errors === 0 || savedTo) ? firstAction : 0;
  const current = highlight ?? items[initialIndex].value;
  const shownFindings = current.kind === 'group' ? byScreen(current.screen) : app.findings;

  const pick = (item: Item) => {
    if (item.kind === 'save') {
      setMode('save');
      return;
    }
    if (item.kind === 'action') {
      const action = REVIEW_ACTIONS[item.index];
      const ask = action.confirm?.(app);
      if (!ask) return action.run(app);
      setConfirming({ action, ...ask });
      setTyped('');
      setConfirmError(undefined);
      setMode('confirm');
      return;
    }
    const target = item.screen as ScreenId;
    if (target === 'review') return setNote('These are about the plan as a whole: fix them in the answers file, or start over.');
    if (app.screenIds?.includes(target) ?? true) app.goTo(target);
    else setNote(`The ${GROUPS.find((g) => g.screen === target)?.title} screen is not in this build yet; fix it in the answers file.`);
  };

  const allLines = mode === 'findings' ? findingLines(app.findings, app.columns, theme.sym) : [];
  const listRows = Math.max(1, app.bodyRows - 2);
  useKeys(
    (input, key) => {
      if (mode === 'findings') {
        const max = Math.max(0, allLines.length - listRows);
        if (key.escape || input === 'f') setMode('menu');
        else if (key.upArrow) setFindingTop((t) => Math.max(0, t - 1));
        else if (key.downArrow) setFindingTop((t) => Math.min(max, t + 1));
        else if (key.pageUp) setFindingTop((t) => Math.max(0, t - listRows));
        else if (key.pageDown) setFindingTop((t) => Math.min(max, t + listRows));
        return true;
      }
      if (mode === 'menu' && input === 'f' && app.findings.length) {
        setFindingTop(0);
        setMode('findings');
        return true;
      }
      return false;
    },
    { capture: mode === 'findings' },
  );

  const save = (file: string) => {
    const target = file.trim() || DEFAULT_ANSWERS_FILE;
    try {
      saveAnswers(target, app.plan);
      setSavedTo(resolve(target));
      setSaveError(undefined);
      setHighlight(undefined);
      setMode('menu');
    } catch (e) {
      setSaveError(`cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };

  const summaryRows = 6;
  const tierRows = 4;
  const menuRows = Math.min(items.length, 6);
  // The menu, or the save field with its error and hint line.
  const menuHeight = mode === 'menu' ? menuRows + (items.length > menuRows ? 2 : 0) : mode === 'confirm' ? wordWrap(confirming?.prompt ?? '', app.columns).length + (confirming?.word !== undefined ? 2 : 1) + (confirmError ? 1 : 0) : 2 + (saveError ? 1 : 0);
  const statusRows = (note ? 1 : 0) + (savedTo && mode === 'menu' ? 1 : 0);
  // Whatever the summary, the tiers, the headings and the menu leave is for the findings.
  const findingRows = Math.max(2, app.bodyRows - summaryRows - tierRows - 2 - menuHeight - statusRows);

  if (mode === 'findings') {
    const shown = allLines.slice(findingTop, findingTop + listRows);
    return (
      <Box flexDirection="column">
        <Text bold wrap="truncate-end">
          Findings: {count(app.findings)}, lines {findingTop + 1}-{findingTop + shown.length} of {allLines.length}
        </Text>
        {shown.map((l, i) => (
          <Text key={i} color={theme.c(l.tone)}>
            {l.text}
          </Text>
        ))}
        <Text color={theme.c('muted')}>Up/Down PgUp/PgDn scroll{theme.sym.sep}f or Esc: back to the plan</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Summary plan={app.plan} width={app.columns} />
      <ReviewPlan app={app} height={fullView ? app.bodyRows - summaryRows : tierRows} onFullView={setFullView} />
      {fullView ? null : (
        <>
          <Text> </Text>
          <Text bold>
            {isDeployed(app) ? (
              <Text color={theme.c('ok')}>
                {theme.sym.ok} "{app.plan.name}" is deployed (the Done screen says how to reach it).
              </Text>
            ) : app.findings.length === 0 ? (
              <Text color={theme.c('ok')}>
                {theme.sym.ok} No problems found. Save the answers file, or go on.
              </Text>
            ) : (
              <>
                Findings: {count(app.findings)}
                <Text color={theme.c('muted')}> (Enter on a group opens its screen)</Text>
              </>
            )}
          </Text>
          {mode === 'menu' ? (
            <Select key={savedTo ?? ''} items={items} limit={menuRows} initialIndex={initialIndex} onHighlight={(i) => setHighlight(i.value)} onSelect={(i) => pick(i.value)} />
          ) : mode === 'confirm' && confirming ? (
            <Box flexDirection="column">
              <Text color={theme.c('warn')} wrap="wrap">
                {confirming.prompt}
              </Text>
              {confirming.word !== undefined ? (
                <>
                  <TextField
                    label={`Type ${confirming.word}`}
                    value={typed}
                    onChange={(v) => {
                      setTyped(v);
                      setConfirmError(undefined);
                    }}
                    onSubmit={(v) => {
                      if (v.trim() !== confirming.word) return setConfirmError(`that is not "${confirming.word}"; type it exactly, or Esc to go back`);
                      setMode('menu');
                      confirming.action.run(app);
                    }}
                    onCancel={() => setMode('menu')}
                    error={confirmError}
                  />
                  <Text color={theme.c('muted')}>Enter confirms{theme.sym.sep}Esc goes back to the plan</Text>
                </>
              ) : (
                <YesNo
                  question="Go ahead? y goes ahead, n goes back to the plan"
                  onAnswer={(yes) => {
                    setMode('menu');
                    if (yes) confirming.action.run(app);
                  }}
                />
              )}
            </Box>
          ) : (
            <Box flexDirection="column">
              <TextField
                label="Save answers to"
                value={path}
                onChange={(v) => {
                  setPath(v);
                  setSaveError(undefined);
                }}
                onSubmit={save}
                onCancel={() => setMode('menu')}
                error={saveError}
              />
              <Text color={theme.c('muted')}>
                Enter saves (mode 0600: it may hold BMC passwords){theme.sym.sep}Esc cancels
              </Text>
            </Box>
          )}
          {note ? <Text color={theme.c('warn')} wrap="truncate-end">{note}</Text> : null}
          {savedTo && mode === 'menu' ? (
            <Text color={theme.c('ok')} wrap="truncate-start">
              {theme.sym.ok} Saved to {savedTo}
            </Text>
          ) : null}
          <FindingList findings={shownFindings} maxRows={findingRows} moreHint="f lists every one" />
        </>
      )}
    </Box>
  );
}

export const review: ScreenDef = {
  id: 'review',
  title: 'Review',
  component: Review,
  keys: [
    { keys: 'Up/Down', action: 'choose' },
    { keys: 'Enter', action: 'pick' },
    { keys: 'f', action: 'all findings' },
  ],
  goesOnByMenu: true,
  help:
    'Everything you decided, in one place, and every problem cloudseed found in it, grouped by ' +
    'the screen where you fix it: pick a group and press Enter to go there. Save the answers ' +
    'file to keep the plan in version control or to run `cloudseed deploy` without the screens.',
};
