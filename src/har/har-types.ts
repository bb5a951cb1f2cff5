import type { Entry, Har, Header, Log } from 'har-format';

export type { Entry as HarEntry, Har, Header as HarHeader, Log as HarLog } from 'har-format';

/** What aigw-video-kit adds to an entry it records (HAR custom fields start with `_`). */
export interface AigwEntryNotes {
  /** The spec's operation the request was (`createVideo`, `getJob`...), or null outside the spec. */
  operationId: string | null;
  /** The job the exchange concerns (created by it, or named in its path). */
  jobId: string | null;
  /** The recording proxy answered, not the target: what went wrong. */
  proxyError?: { kind: 'unreachable' | 'timeout' | 'aborted'; message: string };
  /** The body was cut to this many bytes of `totalBytes` (media over the size limit). */
  truncated?: { keptBytes: number; totalBytes: number };
}

/** What aigw-video-kit adds to the log it writes. */
export interface AigwLogNotes {
  /** The recorded target's base (`https://api.aigateway.sh`), without `/v1`. */
  target: string;
  /** What was redacted before writing: header names, query parameters, body fields. */
  redacted: { headers: string[]; query: string[]; fields: string[] };
  /** Media bodies were kept up to this many bytes. */
  maxMediaBytes: number;
}

export type RecordedEntry = Entry & { _aigw?: AigwEntryNotes };
export type RecordedHar = Har & { log: Log & { _aigw?: AigwLogNotes; entries: RecordedEntry[] } };

/** A header's value in a HAR list (names compare case-insensitively; repeats joined with `, `). */
export function harHeader(headers: readonly Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  const values = headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
  return values.length === 0 ? undefined : values.join(', ');
}

/** The entry's notes, when aigw-video-kit recorded it. */
export const notesOf = (entry: Entry): AigwEntryNotes | undefined => (entry as RecordedEntry)._aigw;
