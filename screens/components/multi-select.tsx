// Several choices at once (bulk changes): Space toggles, `a` all, `n` none, Enter confirms.
import React from 'react';
import { Box, Text } from 'ink';
import { useKeys, useReducerRef } from './keys.js';
import { useTheme } from './theme.js';
import type { SelectItem } from './select.js';

export interface MultiSelectProps<T> {
  /** The choices, in order (disabled ones cannot be toggled). */
  items: SelectItem<T>[];
  /** Values ticked at the start. */
  initialSelected?: T[];
  /** Called with the ticked values, in item order, on Enter. */
  onSubmit(values: T[]): void;
  /** Called after every toggle with the ticked values. */
  onChange?(values: T[]): void;
  /** Gets keys only while active (default true). */
  isActive?: boolean;
  /** At most this many rows shown; the list scrolls (default: all). */
  limit?: number;
}

interface State {
  index: number;
  top: number;
  ticked: boolean[];
}

type Action =
  | { type: 'move'; by: number; limit: number }
  | { type: 'toggle'; enabled: boolean[] }
  | { type: 'all'; on: boolean; enabled: boolean[] };

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'move': {
      const count = state.ticked.length;
      const index = Math.max(0, Math.min(count - 1, state.index + action.by));
      let top = state.top;
      if (index < top) top = index;
      if (index >= top + action.limit) top = index - action.limit + 1;
      return { ...state, index, top };
    }
    case 'toggle': {
      if (!action.enabled[state.index]) return state;
      const ticked = [...state.ticked];
      ticked[state.index] = !ticked[state.index];
      return { ...state, ticked };
    }
    case 'all':
      return { ...state, ticked: state.ticked.map((t, i) => (action.enabled[i] ? action.on : t)) };
  }
}

export function MultiSelect<T>({ items, initialSelected = [], onSubmit, onChange, isActive = true, limit }: MultiSelectProps<T>) {
  const theme = useTheme();
  const shown = Math.max(1, Math.min(limit ?? items.length, items.length));
  const [state, dispatch, ref] = useReducerRef(reducer, () => ({ index: 0, top: 0, ticked: items.map((i) => initialSelected.includes(i.value)) }));
  const enabled = items.map((i) => !i.disabled);
  const values = (s: State) => items.filter((_, i) => s.ticked[i]).map((i) => i.value);

  useKeys(
    (input, key) => {
      if (key.upArrow || input === 'k') return !!dispatch({ type: 'move', by: -1, limit: shown });
      if (key.downArrow || input === 'j') return !!dispatch({ type: 'move', by: 1, limit: shown });
      if (key.pageUp) return !!dispatch({ type: 'move', by: -shown, limit: shown });
      if (key.pageDown) return !!dispatch({ type: 'move', by: shown, limit: shown });
      if (input === ' ' || input === 'a' || input === 'n') {
        const s = dispatch(input === ' ' ? { type: 'toggle', enabled } : { type: 'all', on: input === 'a', enabled });
        onChange?.(values(s));
        return true;
      }
      if (key.return) {
        onSubmit(values(ref.current));
        return true;
      }
      return false;
    },
    { isActive },
  );

  const count = items.filter((_, i) => state.ticked[i]).length;
  return (
    <Box flexDirection="column">
      {items.slice(state.top, state.top + shown).map((item, i) => {
        const at = state.top + i === state.index;
        const ticked = state.ticked[state.top + i];
        return (
          <Text key={`${state.top + i}`} wrap="truncate-end" color={item.disabled ? theme.c('muted') : at ? theme.c('selected') : undefined} bold={at && isActive}>
            {at ? theme.sym.pointer : ' '} {ticked ? theme.sym.on : theme.sym.off} {item.label}
            {item.hint ? <Text color={theme.c('muted')}> {item.hint}</Text> : null}
          </Text>
        );
      })}
      <Text color={theme.c('muted')}>
        {count} of {items.length} chosen{items.length > shown ? `${theme.sym.sep}${state.index + 1}/${items.length}` : ''}
      </Text>
    </Box>
  );
}
