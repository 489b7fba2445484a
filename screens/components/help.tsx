// The one-line key bar under every screen and the `?` overlay.
import React from 'react';
import { Box, Text } from 'ink';
import type { KeyHelp } from '../types.js';
import { Frame } from './frame.js';
import { fit, useTheme } from './theme.js';

export interface HelpBarProps {
  /** Keys in the order shown; the last ones that do not fit are dropped. */
  keys: KeyHelp[];
  /** Always shown, after the others (e.g. "? help", so the rest can be found). */
  pinned?: KeyHelp[];
  /** Width available (columns). */
  width: number;
}

export function HelpBar({ keys, pinned = [], width }: HelpBarProps) {
  const theme = useTheme();
  const size = (k: KeyHelp) => k.keys.length + 1 + k.action.length + theme.sym.sep.length;
  // Every key but the first comes after a separator: the first one's is room to spare.
  let room = width + theme.sym.sep.length - pinned.reduce((n, k) => n + size(k), 0);
  const parts: KeyHelp[] = [];
  for (const k of keys) {
    if (size(k) > room) break;
    parts.push(k);
    room -= size(k);
  }
  return (
    <Text wrap="truncate-end">
      {[...parts, ...pinned].map((k, i) => (
        <Text key={k.keys + k.action}>
          {i > 0 ? <Text color={theme.c('muted')}>{theme.sym.sep}</Text> : null}
          <Text bold color={theme.c('accent')}>
            {k.keys}
          </Text>
          <Text color={theme.c('muted')}> {k.action}</Text>
        </Text>
      ))}
    </Text>
  );
}

export interface HelpOverlayProps {
  /** The screen's title. */
  title: string;
  /** A few lines: what this screen is for. */
  help: string;
  /** This screen's keys. */
  screenKeys: KeyHelp[];
  /** The keys that work on every screen. */
  shellKeys: KeyHelp[];
  /** Width of the box (columns). */
  width: number;
  /** Height of the box (rows); the text is cut to fit. */
  height?: number;
}

/** The help text, then this screen's keys and the shell's side by side. */
export function HelpOverlay({ title, help, screenKeys, shellKeys, width, height }: HelpOverlayProps) {
  const theme = useTheme();
  const inner = width - 4;
  const column = Math.floor((inner - 2) / 2);
  const keyList = (heading: string, keys: KeyHelp[]) => {
    const keyWidth = Math.min(16, Math.max(...keys.map((k) => k.keys.length), 4) + 2);
    return (
      <Box flexDirection="column" width={column} flexShrink={0}>
        <Text bold>{heading}</Text>
        {keys.map((k) => (
          <Box key={k.keys + k.action}>
            <Box width={keyWidth} flexShrink={0}>
              <Text bold color={theme.c('accent')} wrap="truncate-end">
                {k.keys}
              </Text>
            </Box>
            <Text wrap="truncate-end">{k.action}</Text>
          </Box>
        ))}
      </Box>
    );
  };
  return (
    <Frame title={`Help: ${title}  (any key closes it)`} width={width} height={height}>
      {/* Screens may hard-wrap their help text; it is wrapped again at the box's width. */}
      {wordWrap(help, inner).map((line, i) => (
        <Text key={i}>{line || ' '}</Text>
      ))}
      <Text> </Text>
      <Box flexShrink={0}>
        {screenKeys.length > 0 ? keyList('On this screen', screenKeys) : null}
        {screenKeys.length > 0 ? <Box width={2} /> : null}
        {keyList('Everywhere', shellKeys)}
      </Box>
    </Frame>
  );
}

/**
 * Words to lines of at most `width` columns; a blank line in `text` starts a paragraph.
 * (Ink's own wrapping can start a line with the space it broke at.)
 */
export function wordWrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const [i, para] of text.split(/\n\s*\n/).entries()) {
    if (i > 0) lines.push('');
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = '';
      }
      // A word longer than the line is cut into pieces.
      let rest = word;
      while (rest.length > width) {
        if (line) lines.push(line);
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
        line = '';
      }
      line = line ? `${line} ${rest}` : rest;
    }
    if (line) lines.push(line);
  }
  return lines;
}

/** Words into at most `max` lines of `width` columns; the last is cut with the ellipsis. */
export function wrapLines(text: string, width: number, max: number, ellipsis: string): string[] {
  const lines = wordWrap(text, width);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = fit(`${kept[max - 1]} ${lines.slice(max).join(' ')}`, width, ellipsis);
  return kept;
}
