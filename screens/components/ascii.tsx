// ASCII mode for everything drawn inside: Ink truncates text with "…" (cli-truncate's
// default; Ink 6.8 has no option for it; here it becomes "..."), and a screen may slip in a non-ASCII glyph. This
// box rewrites each finished line through Ink's transform hook (the one <Transform> uses,
// set on a box so it reaches every descendant), keeping widths: one character for one.
import React, { type ReactNode } from 'react';

const MAP: Record<string, string> = { '…': '.', '─': '-', '━': '-', '│': '|', '┃': '|', '•': '*', '·': '.', '→': '>', '←': '<', '✔': '+', '✘': 'x', '▲': '!', '❯': '>', '“': '"', '”': '"', '‘': "'", '’': "'" };

/**
 * Ink's "…" and the two characters before it (none of an ANSI escape) become "...": a
 * lone "." reads as part of the text ("192.1." as an address).
 */
// eslint-disable-next-line no-control-regex
const TRUNCATED = /(?:(?<!\u001B)(?<!\u001B\[[\d;]*)[^\u0000-\u001F\u001B…]){0,2}…/gu;

/** Replaces every non-ASCII character of a line (ANSI escapes are ASCII and stay). */
function toAscii(line: string): string {
  return (
    line
      .replace(TRUNCATED, (m) => '.'.repeat([...m].length))
      // eslint-disable-next-line no-control-regex
      .replace(/[^\u0000-\u007F]/gu, (ch) => MAP[ch] ?? '?')
  );
}

export interface AsciiBoxProps {
  /** Off: renders the children unchanged. */
  enabled: boolean;
  children: ReactNode;
}

export function AsciiBox({ enabled, children }: AsciiBoxProps) {
  if (!enabled) return <>{children}</>;
  // 'ink-box' is the host element <Box> renders; `internal_transform` is applied by Ink's
  // renderer to the final text of every node below it.
  return React.createElement('ink-box', { style: { flexDirection: 'column', flexGrow: 0, flexShrink: 1, flexWrap: 'nowrap' }, internal_transform: toAscii } as never, children);
}
