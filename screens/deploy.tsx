// Deploy: the three tiers as live panels, the running tier's servers (a list, or a grid with
// counts for hundreds), a heartbeat, a log tail and a full log view; on a failure, what
// failed where, why, what to try, and retry / skip / abort. Events reach this screen through
// the progress store outside React (useSyncExternalStore), notified at most every ~80 ms,
// and only a bounded view is drawn, so a flood of log lines costs a few frames a second.
import React, { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Box, Text } from 'ink';
import type { FailureView, LogEntry, NodeView, ProgressStore, ProgressView, TierView } from '../src/deploy/progress-store.js';
import { clockTime } from '../src/deploy/sinks.js';
import { formatDuration } from '../src/deploy/summary.js';
import { acknowledgeGate, GATE_IDS, type GateId } from '../src/network/gates.js';
import { FAILED_STATES, phaseOf } from '../src/ironic/states.js';
import type { DeploySession } from '../src/deploy/session.js';
import { existsSync, statSync } from 'node:fs';
import { journalPath, readJournal, type JournalSummary } from '../src/deploy/journal.js';
import { nameList, serversAtStake } from '../src/inventory/stake.js';
import { wordWrap } from './components/help.js';
import { useKeys } from './components/keys.js';
import { fit, useTheme, type ColorRole, type Theme } from './components/theme.js';
import { currentDeploy, ensureDeploy, stopDeploy, type DeployRunEntry } from './deploy-run.js';
import type { AppContext, KeyHelp, ScreenDef, ScreenProps } from './types.js';

const TIER_TITLES = { seed: 'Seed', undercloud: 'Undercloud', overcloud: 'Overcloud' } as const;

function tierTone(t: TierView): ColorRole {
  return t.state === 'done' ? 'ok' : t.state === 'failed' ? 'fail' : t.state === 'running' ? 'accent' : 'muted';
}

function bar(theme: Theme, fraction: number, width: number): string {
  const full = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return theme.ascii ? `[${'#'.repeat(full)}${'-'.repeat(width - full)}]` : `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

function nodeTone(n: NodeView): ColorRole {
  if (n.stepState === 'failed' || FAILED_STATES.has(n.state)) return 'fail';
  if (n.state === 'active') return 'ok';
  if (n.stepState === 'retrying') return 'warn';
  if (n.stepState === 'running') return 'accent';
  return 'muted';
}

/** One glyph per state group for the grid (ASCII in both modes, so it reads on a serial line). */
const GRID_GLYPHS: Array<[string, string, (n: NodeView) => boolean, ColorRole]> = [
  ['X', 'failed', (n) => nodeTone(n) === 'fail', 'fail'],
  ['.', 'pending', (n) => n.state === 'pending', 'muted'],
  ['e', 'enrol', (n) => phaseOf(n.state) === 'enrol', 'accent'],
  ['m', 'manage', (n) => phaseOf(n.state) === 'manage', 'accent'],
  ['i', 'inspect', (n) => phaseOf(n.state) === 'inspect', 'accent'],
  ['c', 'clean', (n) => phaseOf(n.state) === 'clean', 'accent'],
  ['a', 'avail', (n) => phaseOf(n.state) === 'available', 'accent'],
  ['d', 'deploy', (n) => phaseOf(n.state) === 'deploy' || phaseOf(n.state) === 'rescue', 'accent'],
  ['#', 'active', () => true, 'ok'],
];

function glyphOf(n: NodeView): number {
  return GRID_GLYPHS.findIndex(([, , test]) => test(n));
}

/** The spinner's frame for the view's time (it turns as the store re-notifies). */
function spinner(theme: Theme, view: ProgressView): string {
  return theme.spinner[Math.floor(view.now / 250) % theme.spinner.length];
}

function elapsed(view: ProgressView, since?: number): string {
  return since === undefined ? '' : formatDuration(view.now - since);
}

function TierRows({ view, width }: { view: ProgressView; width: number }) {
  const theme = useTheme();
  const barWidth = 20;
  return (
    <Box flexDirection="column">
      {/* A scale-out or a replacement has overcloud steps only: the tiers it does not touch are not shown. */}
      {view.tiers.filter((t) => t.total > 0).map((t) => {
        const runningFraction = view.running.filter((r) => r.tier === t.id).reduce((a, r) => a + (r.fraction ?? 0), 0);
        const fraction = t.total ? (t.done + runningFraction) / t.total : 0;
        const mark = t.state === 'done' ? theme.sym.ok : t.state === 'failed' ? theme.sym.fail : t.state === 'running' ? spinner(theme, view) : ' ';
        const time =
          t.state === 'pending'
            ? t.etaMs
              ? `about ${formatDuration(t.etaMs)}`
              : ''
            : t.state === 'running'
              ? `${elapsed(view, t.startedAt)}${t.etaMs !== undefined ? `, ${formatDuration(t.etaMs)} left` : ''}`
              : t.startedAt !== undefined
                ? formatDuration((t.endedAt ?? view.now) - t.startedAt)
                : '';
        const counts = `${t.done}/${t.total}${t.failed ? ` ${t.failed} failed` : ''}`;
        const head = `${`${mark} `.padEnd(theme.ascii ? 5 : 2)}${TIER_TITLES[t.id].padEnd(11)}`;
        const tail = ` ${counts.padEnd(12)} ${t.state.padEnd(8)} ${time}`;
        return (
          <Text key={t.id} wrap="truncate-end">
            <Text color={theme.c(tierTone(t))} bold={t.state === 'running'}>
              {head}
            </Text>
            <Text color={theme.c(tierTone(t))}>{bar(theme, fraction, barWidth)}</Text>
            <Text>{fit(tail, Math.max(0, width - head.length - barWidth - 2))}</Text>
          </Text>
        );
      })}
    </Box>
  );
}

function Activity({ view, width }: { view: ProgressView; width: number }) {
  const theme = useTheme();
  if (view.runState !== 'running') return <Text> </Text>;
  const quietMs = view.lastChangeAt !== undefined ? view.now - view.lastChangeAt : 0;
  let text: string;
  // A failure waits for the person: nothing else is being waited for until they decide.
  if (view.failures.length) text = 'waiting for your decision on the failure below';
  else if (view.heartbeat && quietMs > 2000) {
    text = `waiting for ${view.heartbeat.waitingFor}, ${formatDuration(view.heartbeat.sinceMs + Math.max(0, view.now - view.heartbeat.at))}`;
  } else if (view.running.length === 1) {
    const r = view.running[0];
    text = `${r.title}${r.fraction !== undefined ? ` (${Math.round(r.fraction * 100)}%)` : ''}, ${elapsed(view, r.startedAt)}`;
  } else if (view.running.length > 1) text = `${view.running.length} steps running`;
  else text = 'working';
  return (
    <Text color={theme.c('muted')} wrap="truncate-end">
      {fit(`${spinner(theme, view)} ${text}`, width)}
    </Text>
  );
}

/** The running tier (or the last one that did anything): its servers are shown. */
function focusTier(view: ProgressView) {
  return view.tiers.find((t) => t.state === 'running' || t.state === 'failed')?.id ?? [...view.tiers].reverse().find((t) => t.state === 'done')?.id ?? 'seed';
}

/** Servers of interest first: failed, then running, then the rest in plan order. */
function ordered(nodes: readonly NodeView[]): NodeView[] {
  const rank = (n: NodeView) => (nodeTone(n) === 'fail' ? 0 : n.stepState === 'running' || n.stepState === 'retrying' ? 1 : 2);
  return nodes
    .map((n, i) => ({ n, i }))
    .sort((a, b) => rank(a.n) - rank(b.n) || a.i - b.i)
    .map((x) => x.n);
}

function countsLine(nodes: readonly NodeView[]): string {
  const counts = new Map<string, number>();
  for (const n of nodes) {
    const k = nodeTone(n) === 'fail' ? 'failed' : n.state;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

function NodeLine({ view, n, width, focused }: { view: ProgressView; n: NodeView; width: number; focused: boolean }) {
  const theme = useTheme();
  const left = `${focused ? theme.sym.pointer : ' '} ${fit(n.name, 14).padEnd(14)} ${fit(n.role, 18).padEnd(18)} ${fit(n.state, 14).padEnd(14)} `;
  const time = n.since !== undefined && n.stepState === 'running' ? elapsed(view, n.since) : '';
  const stepWidth = Math.max(0, width - left.length - 12);
  return (
    <Text wrap="truncate-end" inverse={focused && theme.ascii}>
      <Text color={theme.c(nodeTone(n))}>{left}</Text>
      <Text>{fit(n.step ?? '', stepWidth).padEnd(stepWidth)}</Text>
      <Text color={theme.c('muted')}> {time}</Text>
    </Text>
  );
}

function Servers({ view, rows, width, focus }: { view: ProgressView; rows: number; width: number; focus?: string }) {
  const theme = useTheme();
  const tier = focusTier(view);
  const nodes = view.nodes.filter((n) => n.tier === tier);
  if (!nodes.length) {
    return (
      <Text color={theme.c('muted')} wrap="truncate-end">
        {fit(`${TIER_TITLES[tier]}: no servers in this tier (it works on this host)`, width)}
      </Text>
    );
  }
  if (nodes.length <= rows - 1) {
    const head = `${TIER_TITLES[tier]} servers (${nodes.length}): ${countsLine(nodes)}`;
    return (
      <Box flexDirection="column">
        <Text bold wrap="truncate-end">
          {fit(head, width)}
        </Text>
        {nodes.map((n) => (
          <NodeLine key={n.name} view={view} n={n} width={width} focused={n.name === focus} />
        ))}
      </Box>
    );
  }
  // Hundreds: a grid (each cell the least advanced of a few servers; failures always show),
  // its legend with counts per state, then the focused or most interesting servers.
  const listRows = Math.max(1, Math.min(3, rows - 3));
  const gridRows = Math.max(1, rows - 1 - listRows - 1);
  const cells = gridRows * width;
  const per = Math.ceil(nodes.length / cells);
  const glyphs: number[] = [];
  for (let i = 0; i < nodes.length; i += per) {
    let g = GRID_GLYPHS.length - 1;
    // (min: failed first, then the least advanced state)
    for (let j = i; j < Math.min(nodes.length, i + per); j++) g = Math.min(g, glyphOf(nodes[j]));
    glyphs.push(g);
  }
  const lines: number[][] = [];
  for (let i = 0; i < glyphs.length; i += width) lines.push(glyphs.slice(i, i + width));
  const perGlyph = new Array<number>(GRID_GLYPHS.length).fill(0);
  for (const n of nodes) perGlyph[glyphOf(n)]++;
  const legend = GRID_GLYPHS.flatMap(([glyph, label], g) => (perGlyph[g] ? [`${glyph} ${label} ${perGlyph[g]}`] : [])).join(' ');
  const focused = focus ? nodes.find((n) => n.name === focus) : undefined;
  const list = focused ? [focused] : ordered(nodes).slice(0, listRows);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {fit(`${TIER_TITLES[tier]} servers (${nodes.length}; ${per} per cell, its least advanced shown); Up/Down: one`, width)}
      </Text>
      {lines.slice(0, gridRows).map((line, r) => (
        <Text key={r} wrap="truncate-end">
          {runs(line).map(([g, len], k) => (
            <Text key={k} color={theme.c(GRID_GLYPHS[g][3])}>
              {GRID_GLYPHS[g][0].repeat(len)}
            </Text>
          ))}
        </Text>
      ))}
      <Text color={theme.c('muted')} wrap="truncate-end">
        {fit(legend, width)}
      </Text>
      {list.map((n) => (
        <NodeLine key={n.name} view={view} n={n} width={width} focused={n.name === focus} />
      ))}
    </Box>
  );
}

/** Consecutive equal glyphs as [glyph, count]: a few Text nodes per row, not one per cell. */
function runs(line: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const g of line) {
    const last = out[out.length - 1];
    if (last && last[0] === g) last[1]++;
    else out.push([g, 1]);
  }
  return out;
}

function LogTail({ lines, rows, width, title }: { lines: LogEntry[]; rows: number; width: number; title: string }) {
  const theme = useTheme();
  const shown = lines.slice(-Math.max(0, rows - 1));
  return (
    <Box flexDirection="column">
      <Text color={theme.c('muted')} wrap="truncate-end">
        {fit(title, width)}
      </Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end" color={theme.c(l.level === 'error' ? 'fail' : l.level === 'warn' ? 'warn' : 'muted')}>
          {fit(withNode(l), width)}
        </Text>
      ))}
    </Box>
  );
}

/** `node-03: line`, unless the line already starts with the server's name. */
function withNode(l: LogEntry): string {
  return l.node && !l.line.startsWith(l.node) ? `${l.node}: ${l.line}` : l.line;
}

function FailurePanel({ f, width, rows, stopped = false }: { f: FailureView; width: number; rows: number; stopped?: boolean }) {
  const theme = useTheme();
  const where = f.nodes.length ? ` on ${f.nodes.join(', ')}` : '';
  const wrap = (text: string, n: number) => wordWrap(text, width - 4).slice(0, n);
  const message = wrap(f.error.message, 2);
  const hint = f.error.hint ? wrap(`Try: ${f.error.hint}`, 2) : [];
  const tail = (f.error.tail ?? []).slice(-Math.max(0, rows - (stopped ? 1 : 2) - message.length - hint.length));
  return (
    <Box flexDirection="column">
      <Text bold color={theme.c('fail')} wrap="truncate-end">
        {fit(`${theme.sym.fail} Failed: ${f.title}${where} (${f.tier})`, width)}
      </Text>
      {message.map((l, i) => (
        <Text key={`m${i}`} wrap="truncate-end">
          {'  '}
          {l}
        </Text>
      ))}
      {hint.map((l, i) => (
        <Text key={`h${i}`} color={theme.c('warn')} wrap="truncate-end">
          {'  '}
          {l}
        </Text>
      ))}
      {tail.map((l, i) => (
        <Text key={`t${i}`} color={theme.c('muted')} wrap="truncate-end">
          {fit(`  | ${l}`, width)}
        </Text>
      ))}
      {stopped ? null : (
      <Text wrap="truncate-end">
        <Text bold color={theme.c('accent')}>
          r
        </Text>
        <Text> retry{theme.sym.sep}</Text>
        <Text bold color={theme.c(f.skippable ? 'accent' : 'muted')}>
          s
        </Text>
        <Text color={f.skippable ? undefined : theme.c('muted')}> skip{f.skippable ? ' (safe: a check)' : ' (not safe here)'}</Text>
        <Text>{theme.sym.sep}</Text>
        <Text bold color={theme.c('accent')}>
          a
        </Text>
        <Text> abort (journal kept){theme.sym.sep}</Text>
        <Text bold color={theme.c('accent')}>
          l
        </Text>
        <Text> view log</Text>
      </Text>
      )}
    </Box>
  );
}

function LogView({ store, rows, width, filter, offset }: { store: ProgressStore; rows: number; width: number; filter?: string; offset: number }) {
  const theme = useTheme();
  const lines = store.logLines(filter);
  const body = Math.max(1, rows - 2);
  const end = Math.max(0, lines.length - offset);
  // Whole lines, wrapped under their text: from the newest back until the rows are full.
  const shown: Array<{ entry: LogEntry; text: string }> = [];
  let first = end;
  while (first > 0) {
    const entry = lines[first - 1];
    const stamp = `${clockTime(entry.at)} `;
    const rowsOf = wordWrap(withNode(entry), width - stamp.length).map((t, i) => ({ entry, text: `${i === 0 ? stamp : ' '.repeat(stamp.length)}${t}` }));
    if (shown.length + rowsOf.length > body && shown.length > 0) break;
    shown.unshift(...rowsOf.slice(0, body));
    first--;
  }
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {fit(`Log${filter ? ` of ${filter}` : ' (all servers)'}: lines ${Math.min(first + 1, end)}-${end} of ${lines.length} in memory`, width)}
      </Text>
      {shown.map(({ entry: l, text }, i) => (
        <Text key={i} wrap="truncate-end" color={l.level === 'error' ? theme.c('fail') : l.level === 'warn' ? theme.c('warn') : undefined}>
          {text}
        </Text>
      ))}
      <Text color={theme.c('muted')} wrap="truncate-end">
        {fit(`Up/Down PgUp/PgDn scroll${theme.sym.sep}Left/Right server filter${theme.sym.sep}l or Esc closes`, width)}
      </Text>
    </Box>
  );
}

export interface DeployPanelsProps {
  app: Pick<AppContext, 'columns' | 'bodyRows' | 'goTo' | 'next' | 'setRunning' | 'setModeKeys'>;
  /** The running deployment (tests and the log-flood benchmark pass a store and a run of their own). */
  session: Pick<DeploySession, 'store' | 'run' | 'logPath'> & { notes?: string[] };
  /** Where the Done screen is (after a successful run the screen goes there). */
  onDone?(): void;
  /** A failed step was skipped (the screen records what skipping means in the plan). */
  onSkip?(failure: FailureView): void;
  /** After a failure or an abort: start again, resuming from the journal. */
  onResume?(): void;
}

/** The live panels for one deployment; also used alone by tests and the log-flood benchmark. */
export function DeployPanels({ app, session, onDone, onSkip, onResume }: DeployPanelsProps) {
  const { store, run, logPath, notes = [] } = session;
  const theme = useTheme();
  const view = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [showLog, setShowLog] = useState(false);
  const [logOffset, setLogOffset] = useState(0);
  const [filter, setFilter] = useState<string | undefined>();
  const [focus, setFocus] = useState<string | undefined>();
  const [confirmAbort, setConfirmAbort] = useState(false);
  const [message, setMessage] = useState<string | undefined>(notes[0]);
  const width = Math.max(40, app.columns);
  const rows = Math.max(10, app.bodyRows);
  const failure = view.failures[0];
  const stopped = view.runState === 'failed' || view.runState === 'interrupted';
  // The failure that stopped the run stays on screen after the abort, with its reason.
  const lastFailure = useRef<FailureView | undefined>(undefined);
  if (failure) lastFailure.current = failure;
  const shownFailure = failure ?? (stopped ? lastFailure.current : undefined);
  useEffect(() => {
    app.setRunning?.(view.runState === 'running');
  }, [view.runState]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => app.setRunning?.(false), []); // eslint-disable-line react-hooks/exhaustive-deps
  // The help bar says what each key does now: while it runs Enter and Esc do nothing (they say so).
  const mode = view.runState === 'running' ? (failure ? 'failed' : 'running') : stopped ? 'stopped' : undefined;
  useEffect(() => {
    app.setModeKeys?.(mode ? MODE_KEYS[mode] : undefined);
  }, [mode]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => app.setModeKeys?.(undefined), []); // eslint-disable-line react-hooks/exhaustive-deps
  const tierNodes = view.nodes.filter((n) => n.tier === focusTier(view));

  // On to Done when the run finishes here; coming back from Done shows the finished panels.
  const runStateAtMount = useRef(view.runState);
  useEffect(() => {
    if (view.runState === 'done' && runStateAtMount.current !== 'done') onDone?.();
  }, [view.runState]); // eslint-disable-line react-hooks/exhaustive-deps

  useKeys((input, key) => {
    if (showLog) {
      const names = view.nodes.map((n) => n.name);
      if (input === 'l' || key.escape) setShowLog(false);
      else if (key.upArrow) setLogOffset((o) => o + 1);
      else if (key.downArrow) setLogOffset((o) => Math.max(0, o - 1));
      else if (key.pageUp) setLogOffset((o) => o + rows - 2);
      else if (key.pageDown) setLogOffset((o) => Math.max(0, o - (rows - 2)));
      else if (key.rightArrow || key.leftArrow) {
        const i = filter ? names.indexOf(filter) : -1;
        const next = key.rightArrow ? i + 1 : i - 1;
        setFilter(next < 0 || next >= names.length ? undefined : names[next]);
        setLogOffset(0);
      } else return false;
      return true;
    }
    if (confirmAbort) {
      if (input === 'y') {
        run.decide(failure?.step ?? '', 'abort');
        setMessage('Aborted; the journal is kept. Enter resumes here, Esc goes back to the plan.');
      }
      setConfirmAbort(false);
      return true;
    }
    if (input === 'l') {
      setShowLog(true);
      setFilter(focus);
      setLogOffset(0);
      return true;
    }
    if (!failure && (input === 'r' || input === 's' || input === 'a')) {
      setMessage(stopped ? 'The run has stopped: Enter resumes it, Esc goes back to the plan.' : 'r, s and a answer a failure; nothing has failed.');
      return true;
    }
    if (failure) {
      if (input === 'r') {
        run.decide(failure.step, 'retry');
        setMessage(`Retrying ${failure.title}.`);
        return true;
      }
      if (input === 's') {
        if (failure.skippable) {
          run.decide(failure.step, 'skip');
          onSkip?.(failure);
          setMessage(`Skipped ${failure.title}.`);
        } else setMessage(`${failure.title} cannot be skipped: what comes after needs it. Retry or abort.`);
        return true;
      }
      if (input === 'a') {
        setConfirmAbort(true);
        return true;
      }
    }
    if (key.upArrow || key.downArrow) {
      const list = ordered(tierNodes).map((n) => n.name);
      if (!list.length) return true;
      const i = focus ? list.indexOf(focus) : -1;
      const next = key.downArrow ? Math.min(list.length - 1, i + 1) : i - 1;
      setFocus(next < 0 ? undefined : list[next]);
      return true;
    }
    if (key.escape && focus) {
      setFocus(undefined);
      return true;
    }
    // Stopped: Enter resumes, Esc (the shell's back) returns to the plan.
    if (stopped && key.return && onResume) {
      onResume();
      return true;
    }
    // While it runs there is no going back or on: say so instead of doing nothing.
    if (view.runState === 'running' && (key.escape || key.return || key.rightArrow || key.leftArrow)) {
      setMessage(failure ? 'A step failed: r retries, s skips (when safe), a aborts.' : 'The deployment is running; Done follows by itself. q stops it (the journal keeps its place).');
      return true;
    }
    if (key.return || key.rightArrow || key.leftArrow) return view.runState !== 'done' && !stopped;
    return false;
  });

  if (showLog) return <LogView store={store} rows={rows} width={width} filter={filter} offset={logOffset} />;

  const tierRows = 3;
  // A message is wrapped, never cut ("... cannot be skipped: ... Retry or abort.").
  const messageLines = message ? wordWrap(message, width) : [];
  const extra = 1 + messageLines.length + (confirmAbort ? 1 : 0) + (view.runState !== 'running' ? 1 : 0);
  const rest = Math.max(4, rows - tierRows - extra);
  const serverRows = Math.min(Math.max(2, Math.floor(rest / 2)), tierNodes.length + 1, 8);
  const logRows = Math.max(2, rest - (failure ? 0 : serverRows));
  // A failure's panel takes the servers' place and at most 8 rows; the log tail gets the rest.
  const failureRows = Math.min(Math.max(5, rest - 3), 8);
  const tailRows = Math.max(2, shownFailure ? rest - failureRows : logRows);
  const tailLines = focus ? view.log.filter((l) => l.node === focus) : view.log;
  const ended =
    view.runState === 'done'
      ? {
          tone: view.notDone.length ? ('warn' as const) : ('ok' as const),
          text:
            `${theme.sym.ok} Deployed in ${formatDuration((view.endedAt ?? view.now) - (view.startedAt ?? view.now))}. ` +
            (view.notDone.length ? `Not done (nothing to run): ${view.notDone.map((n) => n.title).join(', ')} -- ${view.notDone[0].why}. ` : '') +
            'Enter: summary.',
        }
      : view.runState === 'failed'
        ? { tone: 'fail' as const, text: `${theme.sym.fail} Stopped after a failure (journal kept). Enter: resume${theme.sym.sep}Esc: back to the plan` }
        : view.runState === 'interrupted'
          ? { tone: 'warn' as const, text: `${theme.sym.warn} Interrupted (journal kept). Enter: resume${theme.sym.sep}Esc: back to the plan` }
          : undefined;
  return (
    <Box flexDirection="column" width={width}>
      <TierRows view={view} width={width} />
      <Activity view={view} width={width} />
      {ended ? (
        <Text bold color={theme.c(ended.tone)} wrap="truncate-end">
          {fit(ended.text, width)}
        </Text>
      ) : null}
      {messageLines.map((l, i) => (
        <Text key={`msg${i}`} color={theme.c('warn')}>
          {l}
        </Text>
      ))}
      {confirmAbort ? (
        <Text bold color={theme.c('warn')} wrap="truncate-end">
          Abort the deployment? Finished steps stay done; it resumes later. y/n
        </Text>
      ) : null}
      {shownFailure ? (
        <Box height={failureRows} flexDirection="column" overflow="hidden">
          <FailurePanel f={shownFailure} width={width} rows={failureRows} stopped={!failure} />
        </Box>
      ) : (
        <Box height={serverRows} flexDirection="column" overflow="hidden">
          <Servers view={view} rows={serverRows} width={width} focus={focus} />
        </Box>
      )}
      <Box height={tailRows} flexDirection="column" overflow="hidden">
        <LogTail
          lines={tailLines}
          rows={tailRows}
          width={width}
          title={fit(`Log${focus ? ` of ${focus}` : ''} (${view.logTotal} lines; all in ${logPath})`, width)}
        />
      </Box>
    </Box>
  );
}

function Deploy({ app }: ScreenProps) {
  const theme = useTheme();
  const [entry, setEntry] = useState<DeployRunEntry | undefined>(() => currentDeploy(app.ui.stateDir));
  const [, setTick] = useState(0);
  // Back from Done of an earlier run: the cloud stays as it is. Only a confirmation on Review
  // newer than the deployment (Redeploy) starts it again.
  const [finished] = useState(() => {
    if (currentDeploy(app.ui.stateDir)) return false;
    const journal = readJournal(app.ui.stateDir);
    const confirmed = Date.parse(app.plan.options.confirmedAt ?? '');
    return journal.state === 'done' && !(confirmed > (journal.endedAt ?? 0));
  });

  useEffect(() => {
    if (finished) return;
    const e = ensureDeploy(app.plan, app.ui.stateDir, app.lab, app.scaleOutOf);
    setEntry(e);
    if (e.starting) void e.starting.then(() => setTick((t) => t + 1));
    // Leaving the screen while it runs means quitting the installer: stop every step (the
    // journal records "interrupted"; starting again resumes).
    return () => void stopDeploy();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  if (finished) {
    return (
      <Text color={theme.c('ok')} wrap="wrap">
        {theme.sym.ok} &quot;{app.plan.name}&quot; is deployed. Enter: how to reach it (Done). Esc: back to Review, where Redeploy asks first.
      </Text>
    );
  }
  if (entry?.error) {
    return (
      <Box flexDirection="column">
        <Text color={theme.c('fail')} wrap="wrap">
          {theme.sym.fail} The deployment cannot start: {entry.error}
        </Text>
        <Text color={theme.c('muted')}>Esc goes back to Review.</Text>
      </Box>
    );
  }
  const session = entry?.session;
  if (!session) return <Text color={theme.c('muted')}>Starting the deployment{theme.sym.ellipsis}</Text>;
  return (
    <DeployPanels
      app={app}
      session={session}
      onDone={() => {
        if (app.screenIds?.includes('done') ?? true) app.goTo('done');
      }}
      onResume={() => {
        const e = ensureDeploy(app.plan, app.ui.stateDir, app.lab, app.scaleOutOf);
        setEntry(e);
        if (e.starting) void e.starting.then(() => setTick((t) => t + 1));
      }}
      onSkip={(f) => {
        // Skipping a network gate is acknowledging it: the plan keeps that (issue: gates).
        const gates = (f.error.gates ?? []).map((g) => g.id).filter((id): id is GateId => (GATE_IDS as readonly string[]).includes(id));
        if (gates.length) app.setPlan((p) => gates.reduce(acknowledgeGate, p));
      }}
    />
  );
}

/** The help bar's keys in each state of a run (the screen's keys otherwise). */
const MODE_KEYS: Record<'running' | 'failed' | 'stopped', KeyHelp[]> = {
  running: [
    { keys: 'Enter/Esc', action: 'nothing while it runs' },
    { keys: 'q', action: 'stop (resume later)' },
    { keys: 'l', action: 'log' },
    { keys: 'Up/Down', action: 'server' },
  ],
  failed: [
    { keys: 'r/s/a', action: 'retry/skip/abort' },
    { keys: 'Enter/Esc', action: 'nothing until r/s/a' },
    { keys: 'l', action: 'log' },
  ],
  stopped: [
    { keys: 'Enter', action: 'resume' },
    { keys: 'Esc', action: 'back to the plan' },
    { keys: 'l', action: 'log' },
    { keys: 'q', action: 'quit' },
  ],
};

export const deploy: ScreenDef = {
  id: 'deploy',
  title: 'Deploy',
  component: Deploy,
  keys: [
    { keys: 'Up/Down', action: 'server' },
    { keys: 'l', action: 'log' },
    { keys: 'r/s/a', action: 'retry/skip/abort' },
  ],
  // It goes on to Done by itself when the run ends.
  goesOnByMenu: true,
  help:
    'The three tiers deploy one after the other: the seed VM on this host, then the undercloud, then your cloud (the overcloud). ' +
    'Each line shows a tier; below are the servers the running tier works on and the last log lines. ' +
    'Up/Down picks a server (its log lines only), l opens the whole log. When a step fails, the screen says why and what to try: ' +
    'r retries it, s skips it when that is safe, a aborts (the journal is kept, and starting cloudseed again resumes).',
};

/** The journal's state in this state directory, read again only when the file changed. */
const journalStates = new Map<string, { mtimeMs: number; state: JournalSummary['state'] }>();
function journalState(stateDir: string): JournalSummary['state'] {
  const mtimeMs = existsSync(journalPath(stateDir)) ? statSync(journalPath(stateDir)).mtimeMs : 0;
  const known = journalStates.get(stateDir);
  if (known?.mtimeMs === mtimeMs) return known.state;
  const state = mtimeMs ? readJournal(stateDir).state : 'none';
  journalStates.set(stateDir, { mtimeMs, state });
  return state;
}

/** The cloud in this state directory was deployed (its journal says so): deploying again wipes it. */
export function isDeployed(app: Pick<AppContext, 'ui'>): boolean {
  return journalState(app.ui.stateDir) === 'done';
}

/** A deployment was started and did not finish: Deploy continues it from the journal. */
function isUnfinished(app: Pick<AppContext, 'ui'>): boolean {
  const state = journalState(app.ui.stateDir);
  return state !== 'none' && state !== 'done';
}

/** Review's "Deploy" action: confirms the plan and opens this screen. */
export const deployAction = {
  label: (app: AppContext) => (isDeployed(app) ? 'Redeploy (wipes the deployed cloud)' : isUnfinished(app) ? 'Resume the deployment' : 'Deploy'),
  hint: (app: AppContext) => {
    const { written } = serversAtStake(app.plan);
    return `${app.plan.driver === 'sim' ? `simulated lab ${app.plan.sim?.lab ?? ''}` : 'real hardware'}: writes ${written.length ? nameList(written, 3) : 'no server'}`;
  },
  disabledReason: (app: AppContext) => (app.findings.some((f) => f.severity === 'error') ? 'fix the errors first' : undefined),
  // Before anything is powered on or wiped: the servers, those running now first. Real
  // servers and a deployed cloud need the cloud's name typed; a lab's running servers a y.
  confirm: (app: AppContext) => {
    const { written, poweredOn } = serversAtStake(app.plan);
    const deployed = isDeployed(app);
    if (app.plan.driver !== 'real' && !deployed && poweredOn.length === 0) return undefined;
    const list = `${written.length} server${written.length === 1 ? '' : 's'} (${nameList(written, 12)})`;
    const running = poweredOn.length ? ` Powered on now, their running systems are lost: ${nameList(poweredOn, 12)}.` : '';
    const what = deployed ? `"${app.plan.name}" is deployed. Redeploying wipes and reinstalls ${list}.` : `This powers on, PXE boots and writes to ${list}.`;
    return { prompt: `${what}${running}`, word: app.plan.driver === 'real' || deployed ? app.plan.name : undefined };
  },
  run(app: AppContext) {
    app.setPlan((p) => ({ ...p, options: { ...p.options, confirmedAt: new Date().toISOString() } }));
    app.goTo('deploy');
  },
};
