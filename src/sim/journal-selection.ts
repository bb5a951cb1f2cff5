import type { JournalEntry, Store } from './store.js';

/** Which journal entries a control-API read selects (every field given must match). */
export interface JournalSelection {
  key: string | null;
  operations: ReadonlySet<string> | null;
  /** Status classes: `2xx`, `4xx`, ... and `broken` (status 0, a socket broken on purpose). */
  statusClasses: ReadonlySet<string> | null;
  job: string | null;
  before: number | null;
  after: number;
  limit: number | null;
}

const statusClass = (status: number): string => (status === 0 ? 'broken' : `${Math.floor(status / 100)}xx`);

/** Whether an entry is one the selection names (its sequence bounds aside). */
export function entryMatches(entry: JournalEntry, selection: Omit<JournalSelection, 'before' | 'after' | 'limit'>): boolean {
  if (selection.key !== null && entry.key !== selection.key) return false;
  if (selection.operations !== null && !selection.operations.has(entry.operation ?? '')) return false;
  if (selection.statusClasses !== null && !selection.statusClasses.has(statusClass(entry.status))) return false;
  return selection.job === null || entry.job_id === selection.job;
}

/** The newest `limit` entries the selection names, oldest first. */
export async function selectJournal(store: Store, selection: JournalSelection): Promise<JournalEntry[]> {
  const plain = selection.operations === null && selection.statusClasses === null && selection.job === null && selection.before === null;
  if (plain) {
    // The store can do all of it (a shared store without shipping the whole journal).
    return store.journal({ key: selection.key, afterSeq: selection.after, ...(selection.limit === null ? {} : { limit: selection.limit }) });
  }
  const entries = await store.journal({ key: selection.key, afterSeq: selection.after });
  const found = entries.filter((e) => (selection.before === null || e.seq < selection.before) && entryMatches(e, selection));
  return selection.limit === null ? found : found.slice(-selection.limit);
}
