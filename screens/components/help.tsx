// The one-line key bar under every screen and the `?` overlay.
import React from 'react';
import { Box, Text } from 'ink';
import type { KeyHelp } from '../types.js';
import { Frame } from './frame.js';
import { useTheme } from './theme.js';

export interface HelpBarProps {
  /** Keys in the order shown; the bar drops the last ones that do not fit. */
  keys: KeyHelp[];
  /** Width available (columns). */
  width: number;
}

export function HelpBar({ keys, width }: HelpBarProps) {
  const theme = useTheme();
  const parts: KeyHelp[] = [];
  let used = 0;
  for (const k of keys) {
    const len = k.keys.length + 1 + k.action.length + (parts.length ? theme.sym.sep.length : 0);
    if (used + len > width) break;
    parts.push(k);
    used += len;
  }
  return (
    <Text wrap="truncate-end">
      {parts.map((k, i) => (
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
}

export function HelpOverlay({ title, help, screenKeys, shellKeys, width }: HelpOverlayProps) {
  const theme = useTheme();
  const keyWidth = Math.max(...[...screenKeys, ...shellKeys].map((k) => k.keys.length), 4) + 2;
  const rows = (keys: KeyHelp[]) =>
    keys.map((k) => (
      <Box key={k.keys + k.action}>
        <Box width={keyWidth} flexShrink={0}>
          <Text bold color={theme.c('accent')}>
            {k.keys}
          </Text>
        </Box>
        <Text wrap="truncate-end">{k.action}</Text>
      </Box>
    ));
  return (
    <Frame title={`Help: ${title}`} width={width}>
      <Text wrap="wrap">{help}</Text>
      {screenKeys.length > 0 && (
        <>
          <Text bold> </Text>
          <Text bold>On this screen</Text>
          {rows(screenKeys)}
        </>
      )}
      <Text> </Text>
      <Text bold>Everywhere</Text>
      {rows(shellKeys)}
      <Text> </Text>
      <Text color={theme.c('muted')}>Press any key to close this help.</Text>
    </Frame>
  );
}
