// How things look: symbols, borders and colours for the full (UTF-8) and the ASCII console,
// with or without colour. Screens ask for a role ("ok", "accent"), never for a glyph or a
// colour name, so the ASCII / NO_COLOR variants keep the same layout.
import { createContext, useContext } from 'react';

export interface ThemeOptions {
  ascii: boolean;
  color: boolean;
}

export type ColorRole = 'accent' | 'ok' | 'warn' | 'fail' | 'muted' | 'selected' | 'title';

export interface Theme {
  ascii: boolean;
  color: boolean;
  sym: {
    ok: string;
    warn: string;
    fail: string;
    bullet: string;
    arrow: string;
    /** Marks the highlighted row of a list. */
    pointer: string;
    /** Check boxes of ScrollTable marks. */
    on: string;
    off: string;
    /** Separates items in one-line bars. */
    sep: string;
    ellipsis: string;
  };
  /** Frames of the busy indicator, played in order. */
  spinner: readonly string[];
  /** Ink Box borderStyle. `classic` draws with + - | only. */
  border: 'classic' | 'round';
  /** Ink colour for a role, or undefined when colour is off. */
  c(role: ColorRole): string | undefined;
}

const COLORS: Record<ColorRole, string> = {
  accent: 'cyan',
  ok: 'green',
  warn: 'yellow',
  fail: 'red',
  muted: 'gray',
  selected: 'cyan',
  title: 'blueBright',
};

export function makeTheme({ ascii, color }: ThemeOptions): Theme {
  return {
    ascii,
    color,
    sym: ascii
      ? { ok: '[ok]', warn: '!!', fail: 'ERR', bullet: '*', arrow: '->', pointer: '>', on: '[x]', off: '[ ]', sep: ' | ', ellipsis: '...' }
      : { ok: '✔', warn: '▲', fail: '✘', bullet: '•', arrow: '→', pointer: '❯', on: '◉', off: '◯', sep: ' · ', ellipsis: '…' },
    spinner: ascii ? ['|', '/', '-', '\\'] : ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
    border: ascii ? 'classic' : 'round',
    c: (role) => (color ? COLORS[role] : undefined),
  };
}

export const ThemeContext = createContext<Theme>(makeTheme({ ascii: false, color: true }));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** Cuts text to `width` columns, ending with the theme's ellipsis when it was longer. */
export function fit(text: string, width: number, ellipsis = '...'): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  if (width <= ellipsis.length) return text.slice(0, width);
  return text.slice(0, width - ellipsis.length) + ellipsis;
}
