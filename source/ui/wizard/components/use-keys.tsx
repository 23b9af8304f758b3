import {useInput, type Key} from 'ink';
import React, {createContext, useCallback, useContext, useLayoutEffect, useMemo, useRef, type ReactNode} from 'react';

type KeyHandler = (input: string, key: Key) => void;
/** The shell's own keys; true when it used the key, which the screens then do not see. */
export type GlobalKeyHandler = (input: string, key: Key) => boolean;

interface Entry {
  handler: KeyHandler;
  isActive: boolean;
}

interface Router {
  register(entry: {current: Entry}): () => void;
}

const RouterContext = createContext<Router | undefined>(undefined);

const isPrintable = (letter: string) => letter >= ' ' && letter !== '\u007f';

/**
 * Every key of the wizard goes through one place, in a fixed order: the shell's keys (quit, help, back)
 * first, then the mounted screen's handlers in the order they mounted.
 *
 * Why not Ink's useInput in each screen: useInput subscribes a handler in a passive effect, which React
 * runs a tick after Ink has drawn the frame. A key typed as soon as a screen appears ("enter back up
 * now") reached the handler of the frame before, which ignored it (seen in CI under load), and a screen
 * that had just mounted did not hear it at all. Here the router subscribes once, and screens register and
 * swap their handlers in layout effects, which run in the same tick as the drawing, before any key.
 */
export function KeyRouter({onKey, children}: {onKey: GlobalKeyHandler; children: ReactNode}) {
  const entries = useRef(new Set<{current: Entry}>());
  const global = useRef(onKey);
  useLayoutEffect(() => {
    global.current = onKey;
  });
  const route = useCallback<KeyHandler>((input, key) => {
    if (global.current(input, key)) return;
    // A snapshot: a handler may unmount its screen (enter goes on), and the next screen must not see that key.
    for (const entry of [...entries.current]) {
      if (entries.current.has(entry) && entry.current.isActive) entry.current.handler(input, key);
    }
  }, []);
  // Ink hands letters that arrive in one read (fast typing, key repeat, SSH batching) over as one string:
  // "jj" matched no key and was lost. Each letter goes on its own, in order, as Ink does with the escape
  // sequences of one read: handlers read the state their previous key left (useSyncReducer, the shell's
  // question ref), not the last render, so no render is needed in between.
  const routeEach = useCallback<KeyHandler>(
    (input, key) => {
      const letters = [...input];
      if (letters.length < 2 || key.ctrl || key.meta || !letters.every(isPrintable)) return route(input, key);
      for (const letter of letters) route(letter, {...key, shift: /[A-Z]/.test(letter)});
    },
    [route],
  );
  useInput(routeEach);
  const router = useMemo<Router>(
    () => ({
      register(entry) {
        entries.current.add(entry);
        return () => void entries.current.delete(entry);
      },
    }),
    [],
  );
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

/** A screen's keys; `isActive: false` while an overlay covers it. Needs a KeyRouter above it. */
export function useKeys(handler: KeyHandler, {isActive = true}: {isActive?: boolean} = {}): void {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useKeys needs a KeyRouter above it');
  const latest = useRef<Entry>({handler, isActive});
  useLayoutEffect(() => {
    latest.current = {handler, isActive};
  });
  useLayoutEffect(() => router.register(latest), [router]);
}
