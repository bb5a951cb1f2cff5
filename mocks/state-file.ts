import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Change, MemoryStore } from '../src/sim/memory-store.js';

export interface StateLog {
  /** Appends what the store changed since the last call; synchronous, so a kill -9 loses nothing answered. */
  persist(): void;
  path: string;
}

/**
 * Keeps an in-memory store's jobs and wallets in a JSON-lines file of changes (docs/decisions/006):
 * each unit of work (a request, a webhook hand-out) appends its changes when it commits, before the
 * answer is written; at start the file is replayed, then compacted into one snapshot.
 */
export function openStateLog(path: string, store: MemoryStore): StateLog {
  if (existsSync(path)) {
    const lines = readFileSync(path, 'utf8').split('\n');
    const changes: Change[] = [];
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        changes.push(JSON.parse(line) as Change);
      } catch (error) {
        // Only the last line can be cut short by a crash mid-write; anything else is a damaged file.
        if (index < lines.length - 2) throw new Error(`${path}:${index + 1} is not a state record: ${(error as Error).message}`);
      }
    });
    store.restore(changes);
  }
  let lines = compact(path, store);
  store.trackChanges(true);
  const log: StateLog = {
    path,
    persist() {
      const changes = store.drainChanges();
      if (changes.length === 0) return;
      appendFileSync(path, changes.map((c) => JSON.stringify(c)).join('\n') + '\n');
      lines += changes.length;
      const live = store.recordCount() + 2;
      if (lines > 10_000 && lines > 4 * live) lines = compact(path, store);
    },
  };
  store.onCommit = () => log.persist();
  return log;
}

function compact(path: string, store: MemoryStore): number {
  const snapshot = store.snapshot();
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, snapshot.map((c) => JSON.stringify(c)).join('\n') + '\n');
  renameSync(temporary, path);
  return snapshot.length;
}
