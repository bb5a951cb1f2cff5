import type { JournalEntry } from '../sim/store.js';

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padStart = (text: string, width: number): string => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

/**
 * The requests as a table: time since the adapter started, gap since the previous request, what was
 * asked and answered, and the fault that shaped the answer.
 *
 *     +12 ms      (+12)   POST /v1/videos/generations   429  armed
 */
export function formatTimeline(journal: readonly JournalEntry[], startedAt: number, indent = ''): string[] {
  if (journal.length === 0) return [`${indent}(no requests reached the mock)`];
  let previous: number | null = null;
  return journal.map((entry) => {
    const at = `+${entry.time - startedAt} ms`;
    const gap = previous === null ? '' : `(+${entry.time - previous})`;
    previous = entry.time;
    const status = entry.status === 0 ? 'socket' : String(entry.status);
    const fault = entry.fault === null ? '' : `  ${entry.fault}`;
    return `${indent}${padStart(at, 10)} ${pad(gap, 9)} ${pad(`${entry.method} ${entry.path}`, 58)} ${status}${fault}`;
  });
}
