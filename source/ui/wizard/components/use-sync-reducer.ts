import {useCallback, useReducer, useRef} from 'react';

/**
 * useReducer whose latest state is readable at once. Ink emits every key of a chunk (a paste, key repeat,
 * keys batched over SSH) synchronously, before React renders again: a handler that reads state from its
 * render would apply "down, down, enter" to the cursor of before the downs. Handlers read `latest()`.
 */
export function useSyncReducer<S, A>(reducer: (state: S, action: A) => S, initial: S): [S, (action: A) => void, () => S] {
  const ref = useRef(initial);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const send = useCallback(
    (action: A) => {
      ref.current = reducer(ref.current, action);
      rerender();
    },
    [reducer],
  );
  const latest = useCallback(() => ref.current, []);
  return [ref.current, send, latest];
}
