// Single choice from a short list. Built on a reducer read through a ref (useReducerRef),
// because ink-select-input 6.2 picks the wrong item when DOWN DOWN ENTER arrive in one chunk.
import React from 'react';
import { Box, Text } from 'ink';
import { useKeys, useReducerRef } from './keys.js';
import { useTheme } from './theme.js';

export interface SelectItem<T> {
  /** What the person reads. */
  label: string;
  value: T;
  /** A dim second part on the same line (a date, a count). */
  hint?: string;
  /** Shown, skipped by the cursor, cannot be picked. */
  disabled?: boolean;
}

export interface SelectProps<T> {
  /** The choices, in order. */
  items: SelectItem<T>[];
  /** Called with the item under the cursor on Enter. */
  onSelect(item: SelectItem<T>): void;
  /** Called when the cursor moves. */
  onHighlight?(item: SelectItem<T>): void;
  /** Where the cursor starts (index into items). */
  initialIndex?: number;
  /** Gets keys only while active (default true). */
  isActive?: boolean;
  /** At most this many rows shown; the list scrolls (default: all). */
  limit?: number;
}

interface State {
  index: number;
  top: number;
}

interface Action {
  by: number;
  count: number;
  limit: number;
  enabled: boolean[];
}

function reducer(state: State, action: Action): State {
  const { count, limit, enabled } = action;
  if (count === 0) return state;
  // Step over disabled items; stop at the ends, on the last enabled item passed.
  let index = Math.min(state.index, count - 1);
  let at = index;
  for (let moved = 0; moved < Math.abs(action.by); ) {
    const next = at + Math.sign(action.by);
    if (next < 0 || next >= count) break;
    at = next;
    if (enabled[at]) {
      index = at;
      moved++;
    }
  }
  let top = state.top;
  if (index < top) top = index;
  if (index >= top + limit) top = index - limit + 1;
  return { index, top };
}

export function Select<T>({ items, onSelect, onHighlight, initialIndex = 0, isActive = true, limit }: SelectProps<T>) {
  const theme = useTheme();
  const shown = Math.max(1, Math.min(limit ?? items.length, items.length));
  const [state, dispatch, ref] = useReducerRef(reducer, () => ({ index: Math.min(initialIndex, Math.max(0, items.length - 1)), top: Math.max(0, initialIndex - shown + 1) }));
  const enabled = items.map((i) => !i.disabled);

  useKeys(
    (input, key) => {
      const move = (by: number) => {
        const before = ref.current.index;
        const after = dispatch({ by, count: items.length, limit: shown, enabled });
        if (after.index !== before) onHighlight?.(items[after.index]);
        return true;
      };
      if (key.upArrow || input === 'k') return move(-1);
      if (key.downArrow || input === 'j') return move(1);
      if (key.pageUp) return move(-shown);
      if (key.pageDown) return move(shown);
      if (key.home) return move(-items.length);
      if (key.end) return move(items.length);
      if (key.return) {
        // The list may have shrunk since the cursor last moved: the last item is the one shown.
        const item = items[Math.min(ref.current.index, items.length - 1)];
        if (item && !item.disabled) onSelect(item);
        return true;
      }
      return false;
    },
    { isActive },
  );

  const index = Math.min(state.index, items.length - 1);
  const top = Math.min(state.top, Math.max(0, items.length - shown));
  return (
    <Box flexDirection="column">
      {top > 0 && <Text color={theme.c('muted')}>  {theme.sym.ellipsis} {top} more above</Text>}
      {items.slice(top, top + shown).map((item, i) => {
        const at = top + i === index;
        return (
          <Text key={`${top + i}`} wrap="truncate-end" color={item.disabled ? theme.c('muted') : at ? theme.c('selected') : undefined} bold={at && isActive} dimColor={item.disabled}>
            {at ? theme.sym.pointer : ' '} {item.label}
            {item.hint ? <Text color={theme.c('muted')}> {item.hint}</Text> : null}
          </Text>
        );
      })}
      {top + shown < items.length && <Text color={theme.c('muted')}>  {theme.sym.ellipsis} {items.length - top - shown} more below</Text>}
    </Box>
  );
}
