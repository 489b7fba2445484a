// A bounded window over many rows (hundreds or thousands of servers): a cursor, optional
// marks (Space), and a filter typed after `/`. Rendering is O(visible rows); filtering is
// one pass over the rows when the filter or the rows change.
import React, { useMemo } from 'react';
import { Box, Text } from 'ink';
import { useKeys, useReducerRef } from './keys.js';
import { fit, useTheme, type ColorRole } from './theme.js';

export interface Column<T> {
  /** Column heading. */
  header: string;
  /** Width in columns (text is cut with an ellipsis). */
  width: number;
  /** The cell's text. */
  get(row: T): string;
  /** Right-align numbers. */
  align?: 'left' | 'right';
  /** Colour role of the cell (e.g. 'fail' for an unreachable BMC). */
  tone?(row: T): ColorRole | undefined;
}

export interface ScrollTableProps<T> {
  /** All rows; only the visible window is rendered. */
  rows: readonly T[];
  columns: Column<T>[];
  /** A stable key per row (the node name). */
  rowKey(row: T): string;
  /** Visible data rows (the table adds a header line and a status line). */
  height: number;
  /** Gets keys only while active (default true). */
  isActive?: boolean;
  /** Enter on a row. */
  onSelect?(row: T): void;
  /** The cursor moved to this row. */
  onCursor?(row: T | undefined): void;
  /** Keys of marked rows; with onToggle, Space marks the row under the cursor. */
  marked?: ReadonlySet<string>;
  onToggle?(row: T): void;
  /** Let `/` edit a filter (case-insensitive substring over filterText). */
  filterable?: boolean;
  /** Filter to start with. */
  initialFilter?: string;
  /** Called when the filter text changes, with the rows that match. */
  onFilterChange?(filter: string, matching: readonly T[]): void;
  /** The text a filter searches (default: every column's text). */
  filterText?(row: T): string;
  /** Shown when no row matches. */
  empty?: string;
}

interface State {
  cursor: number;
  top: number;
  filter: string;
  editing: boolean;
}

type Action = { type: 'move'; by: number; count: number; height: number } | { type: 'filter'; filter: string } | { type: 'editing'; on: boolean };

function reducer(s: State, a: Action): State {
  switch (a.type) {
    case 'move': {
      const cursor = Math.max(0, Math.min(a.count - 1, s.cursor + a.by));
      return { ...s, cursor, top: windowTop(s.top, cursor, a.count, a.height) };
    }
    case 'filter':
      return { ...s, filter: a.filter, cursor: 0, top: 0 };
    case 'editing':
      return { ...s, editing: a.on };
  }
}

/** The first row shown: `top` moved just enough to keep the cursor in view. */
function windowTop(top: number, cursor: number, count: number, height: number): number {
  let first = Math.min(top, Math.max(0, count - height));
  if (cursor < first) first = cursor;
  if (cursor >= first + height) first = cursor - height + 1;
  return Math.max(0, first);
}

/** The rows whose text (`haystack`, lower case) holds the filter; all of them for none. */
export function matchRows<T>(rows: readonly T[], haystack: readonly string[], filter: string): readonly T[] {
  const needle = filter.trim().toLowerCase();
  return needle ? rows.filter((_, i) => haystack[i].includes(needle)) : rows;
}

export function ScrollTable<T>(props: ScrollTableProps<T>) {
  const { rows, columns, rowKey, height, isActive = true, onSelect, onCursor, marked, onToggle, filterable = false, initialFilter = '', onFilterChange, filterText, empty = 'No rows.' } = props;
  const theme = useTheme();
  const [state, dispatch, ref] = useReducerRef(reducer, { cursor: 0, top: 0, filter: initialFilter, editing: false });

  const haystack = useMemo(() => rows.map((r) => (filterText ? filterText(r) : columns.map((c) => c.get(r)).join(' ')).toLowerCase()), [rows, columns, filterText]);
  const matching = useMemo(() => matchRows(rows, haystack, state.filter), [rows, haystack, state.filter]);
  const matchingRef = { current: matching };

  useKeys(
    (input, key) => {
      if (ref.current.editing) {
        const setFilter = (f: string) => {
          dispatch({ type: 'filter', filter: f });
          const m = matchRows(rows, haystack, f);
          matchingRef.current = m;
          onFilterChange?.(f, m);
          onCursor?.(m[0]);
          return true;
        };
        if (key.return) return !!dispatch({ type: 'editing', on: false });
        if (key.escape) {
          dispatch({ type: 'editing', on: false });
          return setFilter('');
        }
        if (key.backspace || key.delete) return setFilter(ref.current.filter.slice(0, -1));
        if (input && !key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow) return setFilter(ref.current.filter + input);
        return false;
      }
      const count = matchingRef.current.length;
      const move = (by: number) => {
        const s = dispatch({ type: 'move', by, count, height });
        onCursor?.(matchingRef.current[s.cursor]);
        return true;
      };
      if (key.upArrow || input === 'k') return move(-1);
      if (key.downArrow || input === 'j') return move(1);
      if (key.pageUp) return move(-height);
      if (key.pageDown) return move(height);
      if (key.home || input === 'g') return move(-count);
      if (key.end || input === 'G') return move(count);
      if (filterable && input === '/') return !!dispatch({ type: 'editing', on: true });
      // The rows may have shrunk since the cursor last moved: the last row is the one shown.
      const row = matchingRef.current[Math.min(ref.current.cursor, count - 1)];
      if (input === ' ' && onToggle) {
        if (row) onToggle(row);
        return true;
      }
      // With no row under the cursor, Enter is left to the screen (e.g. "start with a scan").
      if (key.return && onSelect && row) {
        onSelect(row);
        return true;
      }
      return false;
    },
    { isActive, capture: isActive && state.editing },
  );

  const count = matching.length;
  const cursor = Math.min(state.cursor, Math.max(0, count - 1));
  const top = windowTop(state.top, cursor, count, height);
  const visible = matching.slice(top, top + height);
  const markWidth = onToggle ? theme.sym.on.length + 1 : 0;
  const cell = (text: string, c: Column<T>) => {
    const t = fit(text, c.width, theme.sym.ellipsis);
    return c.align === 'right' ? t.padStart(c.width) : t.padEnd(c.width);
  };

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {'  '}
        {' '.repeat(markWidth)}
        {columns.map((c) => cell(c.header, c)).join(' ')}
      </Text>
      {visible.length === 0 ? (
        <Text color={theme.c('muted')}>  {state.filter ? `No row matches "${state.filter}".` : empty}</Text>
      ) : (
        visible.map((row, i) => {
          const at = top + i === cursor;
          const key = rowKey(row);
          return (
            <Text key={key} wrap="truncate-end" inverse={at && isActive && !theme.color} color={at ? theme.c('selected') : undefined} bold={at}>
              {at ? theme.sym.pointer : ' '}{' '}
              {onToggle ? `${marked?.has(key) ? theme.sym.on : theme.sym.off} ` : ''}
              {columns.map((c, ci) => {
                const tone = c.tone?.(row);
                return (
                  <Text key={ci} color={tone ? theme.c(tone) : undefined}>
                    {ci > 0 ? ' ' : ''}
                    {cell(c.get(row), c)}
                  </Text>
                );
              })}
            </Text>
          );
        })
      )}
      {Array.from({ length: Math.max(0, height - Math.max(1, visible.length)) }, (_, i) => (
        <Text key={`pad-${i}`}> </Text>
      ))}
      <Text color={theme.c('muted')} wrap="truncate-end">
        {count === 0 ? '0' : `${top + 1}-${top + visible.length}`} of {count}
        {count !== rows.length ? ` (filtered from ${rows.length})` : ''}
        {marked && marked.size > 0 ? `${theme.sym.sep}${marked.size} marked` : ''}
        {state.editing ? (
          <Text color={theme.c('accent')}>
            {theme.sym.sep}filter: {state.filter}
            <Text inverse> </Text>
          </Text>
        ) : state.filter ? (
          `${theme.sym.sep}filter: ${state.filter}`
        ) : filterable ? (
          `${theme.sym.sep}/ to filter`
        ) : (
          ''
        )}
      </Text>
    </Box>
  );
}
