// The stream's events, handed to whichever panel listens: each panel reads its own listing from the
// control API and applies the events that concern it.
import { useEffect, useRef } from 'preact/hooks';

/** @type {Map<string, Set<(data: any) => void>>} */
const listeners = new Map();

/** @param {string} name @param {any} data */
export function publishLiveEvent(name, data) {
  for (const listener of listeners.get(name) ?? []) listener(data);
}

/**
 * Calls `handler` with the data of every `name` event while the component is mounted.
 * @param {string} name
 * @param {(data: any) => void} handler
 */
export function useLiveEvent(name, handler) {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener = (/** @type {any} */ data) => latest.current(data);
    let set = listeners.get(name);
    if (set === undefined) listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }, [name]);
}
