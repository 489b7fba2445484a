// One side of the log-flood benchmark (bench/deploy-logflood.bench.ts runs it twice, in
// fresh processes): 100,000 log lines fed as fast as they come, ten per macrotask as a tool's
// output chunks arrive, rendered by
//   store  the Deploy screen's panels, reading the progress store (notified every ~80 ms);
//   naive  a screen that keeps the lines in React state and sets state per line.
// Prints one JSON line: CPU seconds, wall seconds, React commits (each a layout), Ink renders,
// frames written to the terminal.
import React, { useEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import { Writable } from 'node:stream';
import { Box, render, Text } from 'ink';
import { DeployPanels } from '../screens/deploy.js';
import { makeTheme, ThemeContext } from '../screens/components/theme.js';
import { compile } from '../src/deploy/compile.js';
import { planForLab } from '../src/deploy/lab-plan.js';
import { createProgressStore } from '../src/deploy/progress-store.js';
import type { DeployRun } from '../src/deploy/runner.js';

const variant = process.argv[2] === 'naive' ? 'naive' : 'store';
const LINES = Number(process.argv[3] ?? 100_000);
const PER_TICK = 10;

let frames = 0;
let commits = 0;
let reactCommits = 0;
/** Runs after every commit of the component it is in. */
const useCountCommits = () => useLayoutEffect(() => void reactCommits++);
const stdout = Object.assign(
  new Writable({
    write(_chunk, _enc, done) {
      frames++;
      done();
    },
  }),
  { isTTY: true, columns: 80, rows: 24 },
) as unknown as NodeJS.WriteStream;

const line = (i: number) => `TASK [tripleo_container_manage : Start containers for step 3] ok: [overcloud-novacompute-${i % 1000}] (item=nova_compute ${i})`;

/** Feeds `LINES` lines, PER_TICK per macrotask, then resolves. */
function feed(push: (i: number) => void): Promise<void> {
  return new Promise((resolve) => {
    let i = 0;
    const tick = () => {
      for (let k = 0; k < PER_TICK && i < LINES; k++) push(i++);
      if (i < LINES) setImmediate(tick);
      else resolve();
    };
    tick();
  });
}

/** The Deploy panels, with a count of their commits (each one a layout). */
function Counted({ store, run, app }: { store: ReturnType<typeof createProgressStore>; run: DeployRun; app: { columns: number; bodyRows: number; goTo(): void; next(): void } }) {
  useSyncExternalStore(store.subscribe, store.getSnapshot);
  useCountCommits();
  return <DeployPanels app={app} session={{ store, run, logPath: "/tmp/deploy.log" }} />;
}

function Naive({ onReady }: { onReady(push: (line: string) => void): void }) {
  const [lines, setLines] = useState<string[]>([]);
  useCountCommits();
  useEffect(() => onReady((l) => setLines((prev) => [...prev.slice(-11), l])), []); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <Box flexDirection="column">
      <Text>Deploying (naive screen): {lines.length} lines</Text>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
}

const theme = makeTheme({ ascii: false, color: true });
const options = { stdout, patchConsole: false, exitOnCtrlC: false, maxFps: 30, incrementalRendering: true, onRender: () => commits++ } as const;
const wall0 = performance.now();
const cpu0 = process.cpuUsage();

if (variant === 'store') {
  const deployment = compile(planForLab('two-machine'));
  const store = createProgressStore(deployment, { intervalMs: 80, tickMs: 0 });
  const run = { decide() {}, failures: () => [], cancel() {}, result: new Promise(() => {}) } as unknown as DeployRun;
  const app = { columns: 80, bodyRows: 19, goTo() {}, next() {} };
  const ink = render(
    <ThemeContext.Provider value={theme}>
      <Counted store={store} run={run} app={app} />
    </ThemeContext.Provider>,
    options,
  );
  store.dispatch({ type: 'step-started', at: Date.now(), step: 'overcloud.configure.controller-compute', attempt: 1 });
  await feed((i) => store.dispatch({ type: 'log', at: Date.now(), step: 'overcloud.configure.controller-compute', node: 'node-01', level: 'info', line: line(i) }));
  // The last notification, then the last frame.
  await new Promise((r) => setTimeout(r, 150));
  ink.unmount();
  store.close();
} else {
  let push: ((l: string) => void) | undefined;
  const ink = render(<Naive onReady={(p) => (push = p)} />, options);
  while (!push) await new Promise((r) => setImmediate(r));
  await feed((i) => push!(line(i)));
  await new Promise((r) => setTimeout(r, 150));
  ink.unmount();
}

const cpu = process.cpuUsage(cpu0);
const wall = (performance.now() - wall0) / 1000;
process.stderr.write(JSON.stringify({ variant, lines: LINES, cpuS: (cpu.user + cpu.system) / 1e6, wallS: wall, commits: reactCommits, renders: commits, frames, fps: frames / wall }) + '\n');
process.exit(0);
