// Small hooks the panels share.
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A function that runs `work` soon: at once when it has not run for `intervalMs`, else once when
 * that much time has passed, however often it is called meanwhile (bursts of events coalesce).
 * @param {() => void} work
 * @param {number} intervalMs
 */
export function useSoon(work, intervalMs) {
  const latest = useRef(work);
  latest.current = work;
  const state = useRef(/** @type {{ last: number, timer: ReturnType<typeof setTimeout> | null }} */ ({ last: 0, timer: null }));
  useEffect(() => () => {
    if (state.current.timer !== null) clearTimeout(state.current.timer);
  }, []);
  return useRef(() => {
    const s = state.current;
    if (s.timer !== null) return;
    const wait = Math.max(0, s.last + intervalMs - Date.now());
    s.timer = setTimeout(() => {
      s.timer = null;
      s.last = Date.now();
      latest.current();
    }, wait);
  }).current;
}

/** Re-renders every `intervalMs` while `active` (moving bars, ages). */
export function useTicker(/** @type {boolean} */ active, /** @type {number} */ intervalMs) {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setTick((n) => n + 1), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
}
