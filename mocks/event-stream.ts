import type { EventFeed, FeedEvent } from '../src/sim/event-feed.js';

export interface EventPumpOptions {
  /** How often the feed is asked for what changed. Default 250 ms. */
  intervalMs?: number;
  /** A comment line after this long without events, so that idle connections stay open. Default 15 s. */
  heartbeatMs?: number;
  /** Told when the feed fails (the stream then ends; the client reconnects). */
  onError?: (error: unknown) => void;
}

/** One event in the `text/event-stream` format: JSON never spans lines, so one `data:` line. */
export function formatServerSentEvent(event: FeedEvent): string {
  const id = 'id' in event ? `id: ${event.id}\n` : '';
  return `event: ${event.event}\n${id}data: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * Drives an event feed for one client: asks it for events every `intervalMs` (one call at a time),
 * writes them, and stops when told (the client left) or when the feed fails. Shared by the
 * node:http and MSW adapters, which differ only in how they write.
 */
export function pumpEvents(feed: EventFeed, write: (chunk: string) => void, end: () => void, options: EventPumpOptions = {}): { stop(): void } {
  const { intervalMs = 250, heartbeatMs = 15_000, onError } = options;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastWrite = Date.now();
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    feed.close();
  };
  const tick = async (): Promise<void> => {
    timer = null;
    const started = performance.now();
    try {
      const events = await feed.next();
      if (stopped) return;
      if (events.length > 0) {
        write(events.map(formatServerSentEvent).join(''));
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite >= heartbeatMs) {
        write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
    } catch (error) {
      onError?.(error);
      stop();
      end();
      return;
    }
    // A stream that falls behind heavy traffic asks less often: at most a tenth of the time is its.
    if (!stopped) timer = setTimeout(() => void tick(), Math.max(intervalMs, 10 * (performance.now() - started)));
  };
  // EventSource waits this long before it reconnects.
  write('retry: 2000\n\n');
  void tick();
  return { stop };
}
