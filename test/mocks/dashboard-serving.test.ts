import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeHttpMockServer, type RunningMockServer } from '../../mocks/node-http.js';
import { startMockServer } from '../../mocks/express.js';
import { readEvents } from '../support/read-events.js';

let nodeHttp: RunningMockServer;
let express: RunningMockServer;
let noControl: RunningMockServer;
beforeAll(async () => {
  nodeHttp = await startNodeHttpMockServer({ port: 0, log: null });
  express = await startMockServer({ port: 0, log: null });
  noControl = await startNodeHttpMockServer({ port: 0, log: null, adminEnabled: false });
});
afterAll(async () => {
  await Promise.all([nodeHttp.close(), express.close(), noControl.close()]);
});

describe.each([
  ['node:http', () => nodeHttp],
  ['Express', () => express],
])('the %s adapter', (_name, server) => {
  it('serves the dashboard page with a policy that allows only its own scripts and no framing', async () => {
    const redirect = await fetch(`${server().origin}/__mock/ui`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([308, '/__mock/ui/']);
    const page = await fetch(`${server().origin}/__mock/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).toContain("connect-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="./app.js">');
  });

  it('serves the libraries the page imports from their packages, and nothing outside ui/', async () => {
    for (const file of ['app.js', 'style.css', 'vendor/preact.js', 'vendor/preact-hooks.js', 'vendor/htm.js', 'vendor/eventsource-parser/index.js']) {
      const r = await fetch(`${server().origin}/__mock/ui/${file}`);
      expect(r.status, file).toBe(200);
      expect((await r.text()).length, file).toBeGreaterThan(100);
    }
    for (const path of ['/__mock/ui/..%2Fpackage.json', '/__mock/ui/vendor/../../package.json', '/__mock/ui/nope.js', '/__mock/ui/vendor/lodash.js']) {
      const r = await fetch(`${server().origin}${path}`);
      expect(r.status, path).toBe(404);
      expect(((await r.json()) as { error: { type: string } }).error.type).toBe('not_found');
    }
  });

  it('streams events as text/event-stream: retry, ready, then a created job', async () => {
    const controller = new AbortController();
    const events = await fetch(`${server().origin}/__mock/events`, { signal: controller.signal });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(events.headers.get('cache-control')).toBe('no-store');
    const reading = readEvents(events, /event: jobs\n/);
    const created = await fetch(`${server().url}/videos/generations`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-aig-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake' }),
    });
    const { id } = (await created.json()) as { id: string };
    const text = await reading;
    controller.abort();
    expect(text.startsWith('retry: 2000\n\nevent: ready\nid: ')).toBe(true);
    expect(text).toMatch(/event: requests\nid: \d+\ndata: \{"entries":\[\{"seq":\d+/);
    const jobs = /event: jobs\ndata: (.*)\n\n/.exec(text)?.[1];
    expect(JSON.parse(jobs ?? 'null').jobs[0]).toMatchObject({ id, status: 'queued' });
  });
});

describe('with the control API off', () => {
  it('serves no dashboard either', async () => {
    expect((await fetch(`${noControl.origin}/__mock/ui/`)).status).toBe(404);
    expect((await fetch(`${noControl.origin}/__mock/events`)).status).toBe(404);
  });
});
