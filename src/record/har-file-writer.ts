import writeFileAtomic from 'write-file-atomic';
import type { Har } from '../har/har-types.js';

export interface HarFileWriter {
  /** Writes soon (at most one write per `debounceMs`). */
  schedule(): void;
  /** Writes now and waits for it; the file then holds the complete recording. */
  flush(): Promise<void>;
}

/**
 * Keeps a HAR file complete at every moment: each write goes to a temporary file, is synced, and
 * is renamed over the old one, so a crash or a kill leaves the last complete recording, never half
 * of one. Writes are serialised and coalesced.
 */
export function createHarFileWriter(path: string, snapshot: () => Har, debounceMs = 250): HarFileWriter {
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  const write = (): Promise<void> => {
    chain = chain.then(() => writeFileAtomic(path, `${JSON.stringify(snapshot(), null, 2)}\n`, { fsync: true }));
    return chain;
  };
  return {
    schedule() {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        write().catch(() => undefined);
      }, debounceMs);
      timer.unref();
    },
    async flush() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await write();
    },
  };
}
