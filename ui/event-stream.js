// The control API's event stream (GET /__mock/events), read with fetch rather than EventSource so
// that the admin token travels as a header, never in the URL. Reconnects with Last-Event-ID.
import { createParser } from 'eventsource-parser';
import { controlHeaders } from './control-api.js';

/** @typedef {'connecting' | 'live' | 'reconnecting' | 'needs-token' | 'closed'} StreamState */

/**
 * Connects and keeps connecting until `close()`; every event's data is parsed JSON.
 * @param {{ onEvent: (name: string, data: any) => void, onState: (state: StreamState, detail?: string) => void }} handlers
 */
export function connectEventStream({ onEvent, onState }) {
  const controller = new AbortController();
  /** @type {string | null} */
  let lastEventId = null;
  let retryMs = 2000;
  let failures = 0;

  const connectOnce = async () => {
    const headers = controlHeaders();
    headers['accept'] = 'text/event-stream';
    if (lastEventId !== null) headers['last-event-id'] = lastEventId;
    const response = await fetch('/__mock/events', { headers, cache: 'no-store', signal: controller.signal });
    if (response.status === 401) {
      onState('needs-token');
      return false;
    }
    if (!response.ok || response.body === null) throw new Error(`the event stream answered ${response.status}`);
    failures = 0;
    onState('live');
    const parser = createParser({
      onEvent(message) {
        if (message.id !== undefined) lastEventId = message.id;
        if (message.event === undefined) return;
        try {
          onEvent(message.event, JSON.parse(message.data));
        } catch (error) {
          console.error('aigw-video dashboard: an event could not be handled', message.event, error);
        }
      },
      onRetry(ms) {
        retryMs = ms;
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      parser.feed(value);
    }
  };

  const run = async () => {
    onState('connecting');
    while (!controller.signal.aborted) {
      let again = true;
      try {
        again = await connectOnce();
      } catch (error) {
        if (controller.signal.aborted) break;
        failures += 1;
        onState('reconnecting', error instanceof Error ? error.message : String(error));
      }
      if (!again) return;
      // Wait the server's `retry`, longer after repeated failures (at most 30 s).
      await new Promise((wake) => setTimeout(wake, Math.min(30_000, retryMs * 2 ** Math.max(0, failures - 1))));
      if (!controller.signal.aborted) onState('reconnecting');
    }
    onState('closed');
  };
  void run();
  return {
    close() {
      controller.abort();
    },
  };
}
