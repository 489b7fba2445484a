// One line of text entry with its label and, under it, an inline error. While focused it
// claims the keyboard (q, ?, arrows become text/cursor keys, not the shell's).
import React, { useLayoutEffect, useRef } from 'react';
import { Box, Text } from 'ink';
import { useKeys, useReducerRef } from './keys.js';
import { useTheme } from './theme.js';

export interface TextFieldProps {
  /** Shown before the value, e.g. "Answers file". */
  label: string;
  /** The current text (the field reports changes through onChange). */
  value: string;
  /** Called with the new text after every edit. */
  onChange(value: string): void;
  /** Called with the text on Enter. */
  onSubmit?(value: string): void;
  /** Called on Esc (leave the field without submitting). */
  onCancel?(): void;
  /** Shown under the field in red (wraps when long). */
  error?: string;
  /** Shown dim when the value is empty. */
  placeholder?: string;
  /** Replaces each character on screen (passwords). */
  mask?: string;
  /** Has the keyboard (default true). */
  focus?: boolean;
  /** Label column width, to line fields up. */
  labelWidth?: number;
}

interface State {
  value: string;
  cursor: number;
}

type Action = { type: 'set'; value: string } | { type: 'insert'; text: string } | { type: 'erase'; back: boolean } | { type: 'cursor'; to: number };

function reducer(s: State, a: Action): State {
  switch (a.type) {
    case 'set':
      return { value: a.value, cursor: a.value.length };
    case 'insert':
      return { value: s.value.slice(0, s.cursor) + a.text + s.value.slice(s.cursor), cursor: s.cursor + a.text.length };
    case 'erase':
      if (a.back) return s.cursor === 0 ? s : { value: s.value.slice(0, s.cursor - 1) + s.value.slice(s.cursor), cursor: s.cursor - 1 };
      return s.cursor >= s.value.length ? s : { value: s.value.slice(0, s.cursor) + s.value.slice(s.cursor + 1), cursor: s.cursor };
    case 'cursor':
      return { ...s, cursor: Math.max(0, Math.min(s.value.length, a.to)) };
  }
}

export function TextField({ label, value, onChange, onSubmit, onCancel, error, placeholder, mask, focus = true, labelWidth }: TextFieldProps) {
  const theme = useTheme();
  const [state, dispatch, ref] = useReducerRef(reducer, () => ({ value, cursor: value.length }));

  // A value changed from outside (a reset, a loaded file) replaces what is shown. Values
  // this field reported itself come back later (keys outrun renders) and are not resets.
  const reported = useRef<string[]>([]);
  useLayoutEffect(() => {
    const mine = reported.current.indexOf(value);
    if (mine >= 0) reported.current = reported.current.slice(mine + 1);
    else if (value !== ref.current.value) {
      reported.current = [];
      dispatch({ type: 'set', value });
    }
  }, [value, ref, dispatch]);

  useKeys(
    (input, key) => {
      const edit = (a: Action) => {
        const before = ref.current.value;
        const s = dispatch(a);
        if (s.value !== before) {
          reported.current = [...reported.current.slice(-63), s.value];
          onChange(s.value);
        }
        return true;
      };
      if (key.return) {
        onSubmit?.(ref.current.value);
        return true;
      }
      if (key.escape) {
        if (!onCancel) return false;
        onCancel();
        return true;
      }
      if (key.backspace || key.delete) return edit({ type: 'erase', back: key.backspace || ref.current.cursor >= ref.current.value.length });
      if (key.leftArrow) return edit({ type: 'cursor', to: ref.current.cursor - 1 });
      if (key.rightArrow) return edit({ type: 'cursor', to: ref.current.cursor + 1 });
      if (key.home || (key.ctrl && input === 'a')) return edit({ type: 'cursor', to: 0 });
      if (key.end || (key.ctrl && input === 'e')) return edit({ type: 'cursor', to: ref.current.value.length });
      if (key.ctrl && input === 'u') return edit({ type: 'set', value: '' });
      if (key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.ctrl || key.meta) return false;
      if (input) return edit({ type: 'insert', text: input.replace(/[\r\n\t]/g, '') });
      return false;
    },
    { isActive: focus, capture: true },
  );

  const shown = mask ? mask.repeat(state.value.length) : state.value;
  const before = shown.slice(0, state.cursor);
  const at = shown.slice(state.cursor, state.cursor + 1) || ' ';
  const after = shown.slice(state.cursor + 1);
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={labelWidth} flexShrink={0}>
          <Text bold={focus}>{label}: </Text>
        </Box>
        {state.value === '' && !focus && placeholder ? (
          <Text color={theme.c('muted')}>{placeholder}</Text>
        ) : (
          <Text wrap="truncate-start">
            {before}
            {focus ? <Text inverse>{at}</Text> : at === ' ' ? '' : at}
            {after}
            {state.value === '' && placeholder && focus ? <Text color={theme.c('muted')}> {placeholder}</Text> : null}
          </Text>
        )}
      </Box>
      {error ? (
        <Text color={theme.c('fail')} wrap="wrap">
          {theme.sym.fail} {error}
        </Text>
      ) : null}
    </Box>
  );
}
