// A y/n question that takes every key while it is asked (n and Esc say no).
import React from 'react';
import { Text } from 'ink';
import { useKeys } from './keys.js';
import { useTheme } from './theme.js';

export function YesNo({ question, onAnswer }: { question: string; onAnswer(yes: boolean): void }) {
  const theme = useTheme();
  useKeys(
    (input, key) => {
      if (input === 'y' || input === 'Y') onAnswer(true);
      else if (input === 'n' || input === 'N' || key.escape) onAnswer(false);
      return true;
    },
    { capture: true },
  );
  return (
    <Text bold color={theme.c('warn')} wrap="wrap">
      {question}
    </Text>
  );
}
