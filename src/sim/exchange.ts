import type { components as AdminComponents } from '../generated/admin-api.js';
import type { EventFeed } from './event-feed.js';
import type { JournalEntry } from './store.js';

export type SocketFault = AdminComponents['schemas']['SocketFault'];

/** A request as an adapter hands it to the core: no streams, no framework objects. */
export interface SimRequest {
  method: string;
  /** Path and query, as sent (`/v1/jobs/job_1?__code=429`). */
  url: string;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, or null when there was none. */
  body: Uint8Array | null;
  /** `performance.now()` when the adapter received the request; the journal's duration counts from there. */
  receivedAtMs?: number;
  /** The adapter stopped reading because the body was over the limit. */
  bodyTooLarge?: boolean;
  /** Where the request came to (`http://127.0.0.1:4010`), for the URLs the answer contains. */
  origin: string;
}

export type SimBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'bytes'; data: Uint8Array }
  | { kind: 'none' }
  /** A stream of Server-Sent Events: the adapter asks the feed for events on a timer until the client leaves. */
  | { kind: 'events'; feed: EventFeed };

/** An answer as the core decides it; the adapter only writes it out. */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: SimBody;
  /** When set, the adapter breaks the exchange this way instead of answering. */
  socketFault: SocketFault | null;
  /** Milliseconds the adapter waits before answering. */
  latencyMs: number;
  /**
   * The journal entry of this exchange, handed to the store (which numbers it) when the answer left the
   * core; its duration counts the latency. Null when the journal is off.
   */
  journal: Omit<JournalEntry, 'seq'> | null;
}
