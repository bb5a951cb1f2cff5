// The keys the mock has seen, for the pickers (newest first): re-read when the stream says keys changed.
import { useEffect, useState } from 'preact/hooks';
import { controlApi } from './control-api.js';
import { useLiveEvent } from './live-events.js';
import { useSoon } from './use-soon.js';

/** @typedef {import('./control-api.js').Schemas['KeySummary']} KeySummary */

/** Fingerprints of the keys the mock holds (at most 500, the most recently used). */
export function useKeyList() {
  const [keys, setKeys] = useState(/** @type {string[]} */ ([]));
  const load = () =>
    controlApi.keys({ limit: 500 }).then(
      (page) => setKeys(page.keys.map((k) => k.key)),
      () => undefined,
    );
  const reloadSoon = useSoon(load, 1000);
  useEffect(() => void load(), []);
  useLiveEvent('keys', (/** @type {{ keys: KeySummary[] }} */ data) => {
    if (data.keys.some((k) => !keys.includes(k.key))) reloadSoon();
  });
  useLiveEvent('keys-removed', reloadSoon);
  useLiveEvent('resync', reloadSoon);
  return keys;
}
