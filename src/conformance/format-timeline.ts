import type { JournalEntry } from '../sim/store.js';

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padStart = (text: string, width: number): string => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

/** Where credentials went, where it matters: a media download (which needs none) and a 401. */
function credentials(entry: JournalEntry): string {
  const sent = entry.credentials.length === 0 ? 'none' : entry.credentials.join(', ');
  if (entry.operation === 'downloadJobMedia' && entry.credentials.length > 0) return `  credentials sent: ${sent} (to ${entry.headers['host'] ?? 'the media host'})`;
  if (entry.status === 401) return `  credentials sent: ${sent}`;
  return '';
}

/**
 * The requests as a table: time since the adapter started, gap since the previous request, what was
 * asked and answered, and the fault that shaped the answer.
 *
 *     +12 ms      (+12)   POST /v1/videos/generations   429  armed
 *
 * A download that carried credentials, and a 401, also say where the request carried them.
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
    return `${indent}${padStart(at, 10)} ${pad(gap, 9)} ${pad(`${entry.method} ${entry.path}`, 58)} ${status}${fault}${credentials(entry)}`;
  });
}
