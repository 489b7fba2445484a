// A bordered box with a title that honours ASCII mode.
import React, { type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { useTheme } from './theme.js';

export interface FrameProps {
  /** Shown bold on the first line inside the border. */
  title?: string;
  /** Outer width in columns (default: as wide as the parent allows). */
  width?: number;
  /** Outer height in rows; content beyond it is cut off. */
  height?: number;
  /** Border colour role. */
  tone?: 'accent' | 'warn' | 'fail' | 'muted';
  children: ReactNode;
}

export function Frame({ title, width, height, tone = 'muted', children }: FrameProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle={theme.border} borderColor={theme.c(tone)} paddingX={1} width={width} height={height} overflow="hidden" flexShrink={0}>
      {/* Does not shrink: content taller than `height` is cut at the bottom, not squeezed. */}
      <Box flexDirection="column" flexShrink={0}>
        {title ? (
          <Text bold color={theme.c('title')} wrap="truncate-end">
            {title}
          </Text>
        ) : null}
        {children}
      </Box>
    </Box>
  );
}
