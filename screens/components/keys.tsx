// Keyboard routing. Ink hands every listener every key at once, and keys that arrive in one
// stdin chunk (paste, typeahead, a slow serial line) all reach handlers that closed over the
// state of the last render. Inside the shell, KeyRouter therefore delivers one key per
// render: a key goes to the widgets first (text entry, then the others) and, if none took it,
// to the shell. So Enter on a Select picks the item instead of also paging forward, and
// "Enter Enter" after a screen change reaches the new screen's widgets.
// Outside a KeyRouter (a widget tested alone) useKeys falls back to Ink's useInput.
import React, { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useInput, useStdin, type Key } from 'ink';

export type { Key };

/** Returns true when it used the key (later handlers and the shell do not see it). */
export type KeyHandler = (input: string, key: Key) => boolean | void;

interface Registration {
  handler: { current: KeyHandler };
  /** Claims the keyboard: the shell's own letter keys (q, ?) and arrows are off. */
  capture: boolean;
  /** A dialog: while one is open, only the newest dialog gets keys. */
  modal: boolean;
}

interface Router {
  register(reg: Registration): () => void;
  capturing(): boolean;
}

const RouterContext = createContext<Router | undefined>(undefined);

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Ink keeps a run of plain characters as one event ("ab\r" is one input). Split it so each
 * character is its own key: typed-ahead "q y" or "abc Enter" must act key by key.
 */
function splitKeys(input: string, key: Key): Array<[string, Key]> {
  const special = key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end || key.escape || key.tab || key.backspace || key.delete || key.return || key.ctrl || key.meta;
  if (special || [...input].length <= 1) return [[input, key]];
  return [...input].map((ch) => {
    const k = charKey(ch);
    return [inputOf(ch, k), k] as [string, Key];
  });
}

function charKey(ch: string): Key {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === '\r' || ch === '\n') return { ...NO_KEY, return: true };
  if (ch === '\t') return { ...NO_KEY, tab: true };
  if (ch === '\u007F' || ch === '\b') return { ...NO_KEY, backspace: true };
  if (ch === '\u001B') return { ...NO_KEY, escape: true, meta: true };
  if (code >= 1 && code <= 26) return { ...NO_KEY, ctrl: true };
  return { ...NO_KEY, shift: /[A-Z]/.test(ch) };
}

/** A printable character: no special key, no modifier. */
function isText(input: string, key: Key): boolean {
  return input.length > 0 && !key.ctrl && !key.meta && !key.return && !key.tab && !key.backspace && !key.delete && !key.escape && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow && !key.pageUp && !key.pageDown && !key.home && !key.end && input.charCodeAt(0) >= 32;
}

/** The input for a control character key is its letter (Ctrl-C → "c"), as Ink does. */
function inputOf(ch: string, key: Key): string {
  if (key.return || key.tab || key.backspace || key.escape) return '';
  if (key.ctrl && ch.length === 1 && ch.charCodeAt(0) <= 26) return String.fromCharCode(ch.charCodeAt(0) + 96);
  return ch;
}

export interface KeyRouterProps {
  /** Gets the keys no widget used (the shell's navigation). */
  onKey: (input: string, key: Key, capturing: boolean) => void;
  /** False when stdin is not a terminal: no key handling at all (Ink would throw). */
  isActive: boolean;
  children: ReactNode;
}

export function KeyRouter({ onKey, isActive, children }: KeyRouterProps) {
  const regs = useRef<Registration[]>([]);
  const queue = useRef<Array<[string, Key]>>([]);
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  const [tick, setTick] = useState(0);
  const pending = useRef<NodeJS.Immediate | undefined>(undefined);

  const router = useMemo<Router>(
    () => ({
      register(reg) {
        regs.current.push(reg);
        return () => {
          regs.current = regs.current.filter((r) => r !== reg);
        };
      },
      capturing: () => regs.current.some((r) => r.capture),
    }),
    [],
  );

  useInput(
    (input, key) => {
      queue.current.push(...splitKeys(input, key));
      setTick((t) => t + 1);
    },
    { isActive },
  );

  // One key per commit: the handlers registered by the last render see fresh state.
  useLayoutEffect(() => {
    const next = queue.current.shift();
    if (!next) return;
    let [input, key] = next;
    // Text entry takes a pasted run of characters in one go (one render, not one per
    // character); a control key (Enter, Esc, ...) ends the run.
    const modal = regs.current.filter((r) => r.modal).pop();
    if (!modal && isText(input, key) && regs.current.some((r) => r.capture)) {
      while (queue.current.length > 0 && isText(...queue.current[0])) input += queue.current.shift()![0];
      key = charKey(input[0]);
    }
    if (modal) {
      modal.handler.current(input, key);
    } else {
      // Text entry first, then in registration order (on mount, children before parents).
      let used = false;
      const order = [...regs.current.filter((r) => r.capture), ...regs.current.filter((r) => !r.capture)];
      for (const reg of order) {
        if (reg.handler.current(input, key) === true) {
          used = true;
          break;
        }
      }
      if (!used) onKeyRef.current(input, key, router.capturing());
    }
    // The next key after this commit, from a fresh turn: a state update straight from a
    // layout effect would nest, and React stops after 50 nested updates (a long paste).
    if (queue.current.length > 0) pending.current ??= setImmediate(() => {
      pending.current = undefined;
      setTick((t) => t + 1);
    });
  }, [tick, router]);
  useEffect(() => () => clearImmediate(pending.current), []);

  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

export interface UseKeysOptions {
  /** Only an active handler gets keys (the focused field, the open dialog). */
  isActive?: boolean;
  /** While active, the shell ignores its letter keys and arrows (text entry). */
  capture?: boolean;
  /** A dialog: while it is active, it alone gets keys (not the screen under it, not the shell). */
  modal?: boolean;
}

/** Handles keys for a widget or screen; return true from the handler for keys it used. */
export function useKeys(handler: KeyHandler, { isActive = true, capture = false, modal = false }: UseKeysOptions = {}): void {
  const router = useContext(RouterContext);
  const { isRawModeSupported } = useStdin();
  const ref = useRef(handler);
  ref.current = handler;

  useLayoutEffect(() => {
    if (!router || !isActive) return;
    return router.register({ handler: ref, capture, modal });
  }, [router, isActive, capture, modal]);

  const direct = useCallback((input: string, key: Key) => {
    for (const [i, k] of splitKeys(input, key)) ref.current(i, k);
  }, []);
  useInput(direct, { isActive: !router && isActive && isRawModeSupported });
}

/**
 * useReducer whose newest state is readable at once: keys handled in one burst (before
 * React re-renders) each see the state the previous key left.
 */
export function useReducerRef<S, A>(reducer: (state: S, action: A) => S, initial: S | (() => S)): [S, (action: A) => S, { current: S }] {
  const [state, setState] = useState(initial);
  const ref = useRef(state);
  const dispatch = useCallback(
    (action: A) => {
      ref.current = reducer(ref.current, action);
      setState(ref.current);
      return ref.current;
    },
    [reducer],
  );
  return [state, dispatch, ref];
}
