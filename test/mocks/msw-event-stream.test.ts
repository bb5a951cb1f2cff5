import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../mocks/msw.js';
import { readEvents } from '../support/read-events.js';

// The event stream through MSW's interception in Node, read with fetch.

describe('the MSW handlers', () => {
  const handlers = createHandlers({ baseUrl: 'https://dashboard.msw.test' });
  const msw = setupServer(...handlers);
  beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => msw.close());

  it('stream events to fetch, and serve no dashboard page (the app under test owns the page)', async () => {
    const controller = new AbortController();
    const events = await fetch('https://dashboard.msw.test/__mock/events', { signal: controller.signal });
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await readEvents(events, /event: ready\n/);
    controller.abort();
    expect(text).toContain('"resumed":false');
    expect((await fetch('https://dashboard.msw.test/__mock/ui/')).status).toBe(404);
  });
});
