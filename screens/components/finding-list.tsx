// Findings as a person reads them: symbol, where, what is wrong, how to fix it.
import React from 'react';
import { Box, Text } from 'ink';
import type { Finding } from '../../src/plan/findings.js';
import { wordWrap } from './help.js';
import { useTheme } from './theme.js';

export interface FindingListProps {
  /** Findings in the order to show (errors are moved first). */
  findings: readonly Finding[];
  /** At most this many rows in all; the rest is summarised as "+N more". */
  maxRows?: number;
  /** Hide the fix line (tight spaces). */
  compact?: boolean;
  /** Shown when there are no findings (default: nothing). */
  empty?: string;
  /** After "+N more": how to see them (e.g. "f lists them all"). */
  moreHint?: string;
}

/** Every finding as wrapped lines (symbol, where, message; then how to fix it), for a scrolled view. */
export function findingLines(findings: readonly Finding[], width: number, sym: { fail: string; warn: string; arrow: string }): Array<{ text: string; tone: 'fail' | 'warn' | 'muted' }> {
  const sorted = [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return sorted.flatMap((f) => {
    const head = `${f.severity === 'error' ? sym.fail : sym.warn} `;
    const pad = ' '.repeat(head.length);
    return [
      ...wordWrap(`${f.where}: ${f.message}`, width - head.length).map((t, i) => ({ text: `${i === 0 ? head : pad}${t}`, tone: f.severity === 'error' ? ('fail' as const) : ('warn' as const) })),
      ...wordWrap(`${sym.arrow} ${f.fix}`, width - head.length).map((t) => ({ text: `${pad}${t}`, tone: 'muted' as const })),
    ];
  });
}

export function FindingList({ findings, maxRows = 8, compact = false, empty, moreHint }: FindingListProps) {
  const theme = useTheme();
  if (findings.length === 0) return empty ? <Text color={theme.c('ok')}>{theme.sym.ok} {empty}</Text> : null;
  const sorted = [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const perFinding = compact ? 1 : 2;
  const fits = Math.max(1, Math.floor((maxRows - 1) / perFinding));
  const shown = sorted.length * perFinding <= maxRows ? sorted : sorted.slice(0, fits);
  const rest = sorted.length - shown.length;
  const errors = sorted.filter((f) => f.severity === 'error').length;
  return (
    <Box flexDirection="column">
      {shown.map((f, i) => (
        <Box key={`${i}-${f.rule}-${f.where}`} flexDirection="column">
          <Text wrap="truncate-end">
            <Text color={theme.c(f.severity === 'error' ? 'fail' : 'warn')}>{f.severity === 'error' ? theme.sym.fail : theme.sym.warn}</Text>{' '}
            <Text color={theme.c('muted')}>{f.where}:</Text> {f.message}
          </Text>
          {!compact && (
            <Text wrap="truncate-end" color={theme.c('muted')}>
              {'   '}
              {theme.sym.arrow} {f.fix}
            </Text>
          )}
        </Box>
      ))}
      {rest > 0 && (
        <Text color={theme.c('muted')}>
          +{rest} more{errors > 0 ? ` (${errors} error${errors > 1 ? 's' : ''} in all)` : ''}
          {moreHint ? `: ${moreHint}` : ''}
        </Text>
      )}
    </Box>
  );
}
