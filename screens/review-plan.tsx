// The per-tier part of Review: what will happen to which host, in plain words, and the files
// that will be written. `v` opens a read-only view of the plan per host and of each file
// (passwords masked; `w` writes the one file shown, with its passwords, mode 0600).
import React, { useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { join, resolve } from 'node:path';
import { ARTIFACT_NAMES, buildArtifacts, MASKED } from '../src/artifacts/files.js';
import { writeArtifacts } from '../src/artifacts/write.js';
import { describeLines, describePlan } from '../src/roles/describe.js';
import { useKeys, useReducerRef } from './components/keys.js';
import { useTheme } from './components/theme.js';
import type { ReviewTiersProps } from './review.js';
import type { ScreenProps } from './types.js';

/** Where `w` writes a file from the view. */
const VIEW_WRITE_DIR = './cloudseed-files';

const TABS = ['plan per host', ...ARTIFACT_NAMES] as const;

interface ViewState {
  tab: number;
  top: number;
}

type ViewAction = { type: 'tab'; by: number } | { type: 'scroll'; by: number; max: number };

function reducer(s: ViewState, a: ViewAction): ViewState {
  if (a.type === 'tab') return { tab: (s.tab + a.by + TABS.length) % TABS.length, top: 0 };
  return { ...s, top: Math.max(0, Math.min(a.max, s.top + a.by)) };
}

function Viewer({ app, height, onClose }: ScreenProps & { height: number; onClose(): void }) {
  const theme = useTheme();
  const [state, dispatch, ref] = useReducerRef(reducer, { tab: 0, top: 0 });
  const [note, setNote] = useState<string | undefined>();
  const description = useMemo(() => describePlan(app.plan, { findings: app.findings }), [app.plan, app.findings]);
  const files = useMemo(() => buildArtifacts(app.plan, { secrets: MASKED }), [app.plan]);
  // Each tab's lines, built when first shown and kept until the plan changes: a key that
  // scrolls needs the line count of the tab it lands on, without splitting the file again.
  const cache = useMemo(() => new Map<number, string[]>(), [description, files]);
  const linesOf = (tab: number) => {
    let lines = cache.get(tab);
    if (!lines) cache.set(tab, (lines = tab === 0 ? describeLines(description) : files[tab - 1].content.replace(/\n$/, '').split('\n')));
    return lines;
  };
  const lines = linesOf(state.tab);
  const rows = Math.max(1, height - 2);

  useKeys(
    (input, key) => {
      const max = Math.max(0, linesOf(ref.current.tab).length - rows);
      if (key.escape || input === 'v') onClose();
      else if (key.rightArrow || key.tab) dispatch({ type: 'tab', by: 1 });
      else if (key.leftArrow) dispatch({ type: 'tab', by: -1 });
      else if (key.downArrow || input === 'j') dispatch({ type: 'scroll', by: 1, max });
      else if (key.upArrow || input === 'k') dispatch({ type: 'scroll', by: -1, max });
      else if (key.pageDown || input === ' ') dispatch({ type: 'scroll', by: rows, max });
      else if (key.pageUp) dispatch({ type: 'scroll', by: -rows, max });
      else if (key.home || input === 'g') dispatch({ type: 'scroll', by: -Infinity, max });
      else if (key.end || input === 'G') dispatch({ type: 'scroll', by: Infinity, max });
      else if (input === 'w' && ref.current.tab > 0) {
        const name = ARTIFACT_NAMES[ref.current.tab - 1];
        try {
          const [w] = writeArtifacts(app.plan, resolve(VIEW_WRITE_DIR), [name]);
          setNote(`wrote ${join(VIEW_WRITE_DIR, w.name)}${w.secret ? ' (mode 0600, with the passwords)' : ''}`);
        } catch (e) {
          setNote(`cannot write ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      return true;
    },
    { modal: true },
  );

  const tab = TABS[state.tab];
  const secret = state.tab > 0 && files[state.tab - 1].secret;
  // a file the export would refuse says why first
  const notes = state.tab > 0 ? [...files[state.tab - 1].findings.map((f) => f.message), ...files[state.tab - 1].notes] : [];
  const shown = lines.slice(state.top, state.top + rows);
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate-end">
        <Text bold color={theme.c('title')}>
          {state.tab + 1}/{TABS.length} {tab}
        </Text>
        <Text color={theme.c('muted')}>
          {secret ? ' (passwords masked)' : ''}
          {theme.sym.sep}Left/Right{theme.sym.sep}Up/Down{state.tab > 0 ? `${theme.sym.sep}w write` : ''}
          {theme.sym.sep}Esc
        </Text>
      </Text>
      {shown.map((line, i) => (
        <Text key={`${state.top + i}`} wrap="truncate-end">
          {line || ' '}
        </Text>
      ))}
      {Array.from({ length: Math.max(0, rows - shown.length) }, (_, i) => (
        <Text key={`pad-${i}`}> </Text>
      ))}
      <Text color={note ? theme.c('ok') : theme.c('muted')} wrap="truncate-end">
        {note ?? `lines ${lines.length ? state.top + 1 : 0}-${state.top + shown.length} of ${lines.length}${notes.length ? `${theme.sym.sep}${notes.join('; ')}` : ''}`}
      </Text>
    </Box>
  );
}

export function ReviewPlan({ app, height, onFullView }: ReviewTiersProps) {
  const theme = useTheme();
  const [viewing, setViewing] = useState(false);
  const description = useMemo(() => describePlan(app.plan, { findings: [] }), [app.plan]);
  const view = (on: boolean) => {
    setViewing(on);
    onFullView?.(on);
  };

  useKeys(
    (input) => {
      if (input !== 'v') return false;
      view(true);
      return true;
    },
    { isActive: !viewing },
  );

  // Review gives the viewer the screen below its summary (onFullView); without it, 4 rows.
  if (viewing) return <Viewer app={app} height={onFullView ? height : Math.max(height, 4)} onClose={() => view(false)} />;
  const lines = description.tiers.map((t) => t.summary);
  return (
    <Box flexDirection="column" height={height}>
      {lines.slice(0, Math.max(0, height - 1)).map((line) => (
        <Text key={line} wrap="truncate-end">
          {theme.sym.bullet} {line}
        </Text>
      ))}
      <Text wrap="truncate-end" color={theme.c('muted')}>
        {theme.sym.bullet} files: {description.files.length} TripleO/Helion files{theme.sym.sep}v: view the plan per host and each file
      </Text>
    </Box>
  );
}
