import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer } from '../../mocks/express.js';
import { createHandlers } from '../../mocks/msw.js';
import { startNodeHttpMockServer } from '../../mocks/node-http.js';
import { createWebhookDispatcher, DEFAULT_WEBHOOK_SECRET } from '../../mocks/webhook-dispatcher.js';
import { schemaValidator } from '../../src/contract/schema-validator.js';
import { createSimulation, type Simulation } from '../../src/sim/simulation.js';
import { create, MODEL, poll } from '../support/sim-call.js';

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback that answers each delivery with the next scripted status. */
let receiver: Server;
let hookBase: string;
const deliveries: Delivery[] = [];
const script: number[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      deliveries.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/redirect') res.writeHead(307, { location: `${hookBase}/landed` }).end();
      else res.writeHead(script.shift() ?? 204).end();
    });
  });
  await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((done) => receiver.close(done)));

async function deliveredTo(path: string, count = 1): Promise<Delivery[]> {
  for (let i = 0; i < 500; i++) {
    const found = deliveries.filter((d) => d.path === path);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no webhook reached ${path}`);
}

const validEvent = schemaValidator('video', '#/components/schemas/WebhookEvent');
const auth = { authorization: 'Bearer sk-aig-hooks', 'content-type': 'application/json' };

async function createWithHook(base: string, hook: string): Promise<string> {
  const r = await fetch(`${base}/videos/generations`, { method: 'POST', headers: auth, body: JSON.stringify({ model: MODEL, prompt: 'p', webhook_url: hook }) });
  return ((await r.json()) as { id: string }).id;
}

describe('webhook delivery', () => {
  it('posts a signed job.completed event to webhook_url when the job ends (node:http server)', async () => {
    const server = await startNodeHttpMockServer({ port: 0, timing: 'steps' });
    try {
      const id = await createWithHook(server.url, `${hookBase}/node`);
      await fetch(`${server.url}/jobs/${id}`, { headers: auth });
      await fetch(`${server.url}/jobs/${id}`, { headers: auth });
      const [delivery] = await deliveredTo('/node');
      const event = JSON.parse(delivery?.body ?? '{}');
      expect(validEvent(event)).toBe(true);
      expect(event).toMatchObject({ type: 'job.completed', data: { job_id: id, status: 'completed' } });
      const t = String(delivery?.headers['aig-timestamp']);
      const expected = createHmac('sha256', DEFAULT_WEBHOOK_SECRET).update(`${t}.${delivery?.body}`).digest('hex');
      expect(delivery?.headers['aig-signature']).toBe(expected);
      expect(delivery?.headers['x-gateway-signature']).toBe(`t=${t},v1=${expected}`);
      // The attempt is journaled once the receiver's answer is back, a moment after it got the event.
      const entry = async () => (await server.simulation.journal()).find((e) => e.operation === 'webhook');
      for (let i = 0; i < 200 && (await entry()) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await entry()).toMatchObject({ job_id: id, status: 204, fault: null, path: `${hookBase}/node` });
    } finally {
      await server.close();
    }
  });

  it('delivers when the clock ends the job, without waiting for a poll (Express server)', async () => {
    let t = 1_776_947_082_000;
    const server = await startMockServer({ port: 0, now: () => t, webhooks: { secret: 'whsec_test' } });
    try {
      const id = await createWithHook(server.url, `${hookBase}/clock`);
      t += 60_000;
      const [delivery] = await deliveredTo('/clock');
      expect(JSON.parse(delivery?.body ?? '{}').data.job_id).toBe(id);
      const signed = createHmac('sha256', 'whsec_test').update(`${String(delivery?.headers['aig-timestamp'])}.${delivery?.body}`).digest('hex');
      expect(delivery?.headers['aig-signature']).toBe(signed);
    } finally {
      await server.close();
    }
  });

  it('redelivers an event that was not acknowledged with a 2xx', async () => {
    const server = await startNodeHttpMockServer({ port: 0, timing: 'steps', webhooks: { retryDelaysMs: [20, 20] } });
    try {
      script.push(500, 503);
      const id = await createWithHook(server.url, `${hookBase}/retry`);
      await fetch(`${server.url}/jobs/${id}`, { headers: auth });
      await fetch(`${server.url}/jobs/${id}`, { headers: auth });
      const tries = await deliveredTo('/retry', 3);
      expect(new Set(tries.map((d) => JSON.parse(d.body).id)).size).toBe(1);
      const statuses = async () => (await server.simulation.journal()).filter((e) => e.operation === 'webhook').map((e) => e.status);
      for (let i = 0; i < 100 && (await statuses()).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await statuses()).toEqual([500, 503, 204]);
    } finally {
      await server.close();
    }
  });

  it('calls no host but loopback unless allowed, and says so in the journal', async () => {
    const server = await startNodeHttpMockServer({ port: 0, timing: 'steps' });
    try {
      const id = await createWithHook(server.url, 'https://hooks.example.com/aigateway');
      await fetch(`${server.url}/jobs/${id}`, { headers: auth });
      await fetch(`${server.url}/jobs/${id}`, { headers: auth });
      const entry = (await server.simulation.journal()).find((e) => e.operation === 'webhook');
      expect(entry).toMatchObject({ job_id: id, status: 0, fault: 'webhook-host-not-allowed' });
    } finally {
      await server.close();
    }
  });

  it('follows no redirect: the signed event goes only where webhook_url says', async () => {
    const server = await startNodeHttpMockServer({ port: 0, timing: 'steps', webhooks: { retryDelaysMs: [] } });
    try {
      const id = await createWithHook(server.url, `${hookBase}/redirect`);
      await fetch(`${server.url}/jobs/${id}`, { headers: auth });
      await fetch(`${server.url}/jobs/${id}`, { headers: auth });
      await deliveredTo('/redirect');
      const entry = async () => (await server.simulation.journal()).find((e) => e.operation === 'webhook');
      for (let i = 0; i < 200 && (await entry()) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await entry()).toMatchObject({ job_id: id, status: 307, fault: 'webhook-redirect-not-followed' });
      expect(deliveries.filter((d) => d.path === '/landed')).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.each(['/__mock/reset', '/v1/../__mock/reset', '/__mock/./reset?x=1'])(
    "never calls the mock's own control API (webhook_url %s)",
    async (path) => {
      const server = await startNodeHttpMockServer({ port: 0, timing: 'steps' });
      try {
        const other = await createWithHook(server.url, `${hookBase}/other`);
        const id = await createWithHook(server.url, `${server.origin}${path}`);
        await fetch(`${server.url}/jobs/${id}`, { headers: auth });
        await fetch(`${server.url}/jobs/${id}`, { headers: auth });
        const entry = async () => (await server.simulation.journal()).find((e) => e.operation === 'webhook' && e.job_id === id);
        for (let i = 0; i < 200 && (await entry()) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
        expect(await entry()).toMatchObject({ status: 0, fault: 'webhook-to-control-api' });
        expect((await fetch(`${server.url}/jobs/${other}`, { headers: auth })).status).toBe(200);
      } finally {
        await server.close();
      }
    },
  );

  describe('from the MSW handlers', () => {
    const handlers = createHandlers({ timing: 'steps' });
    const msw = setupServer(...handlers);
    beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
    afterAll(() => msw.close());

    it('posts the event past MSW to a real receiver', async () => {
      const base = 'https://api.aigateway.sh/v1';
      const id = await createWithHook(base, `${hookBase}/msw`);
      await fetch(`${base}/jobs/${id}`, { headers: auth });
      await fetch(`${base}/jobs/${id}`, { headers: auth });
      const [delivery] = await deliveredTo('/msw');
      expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({ type: 'job.completed', data: { job_id: id } });
    });
  });
});

describe('the webhook dispatcher after a request', () => {
  it('looks for due events only while some job awaits its webhook, and still delivers every event', async () => {
    const simulation = createSimulation({ timing: 'steps' });
    let looked = 0;
    const watched: Simulation = {
      ...simulation,
      takeDueWebhooks: () => {
        looked += 1;
        return simulation.takeDueWebhooks();
      },
    };
    const sent: string[] = [];
    const dispatcher = createWebhookDispatcher(watched, {
      fetch: async (url) => {
        sent.push(String(url));
        return new Response(null, { status: 204 });
      },
    });
    const afterRequest = async (): Promise<void> => {
      dispatcher.afterRequest();
      await new Promise((r) => setTimeout(r, 20));
    };
    const plain = (await create(simulation)).json.id as string;
    await afterRequest();
    await poll(simulation, plain);
    await afterRequest();
    expect(looked).toBe(0);

    const hooked = (await create(simulation, { webhook_url: 'http://127.0.0.1:9/hook' })).json.id as string;
    await afterRequest();
    expect(looked).toBe(1);
    for (let i = 0; i < 4 && sent.length === 0; i++) {
      await poll(simulation, hooked);
      await afterRequest();
    }
    expect(sent).toEqual(['http://127.0.0.1:9/hook']);
    const lookedUntilDelivered = looked;
    await poll(simulation, plain);
    await afterRequest();
    expect(looked).toBe(lookedUntilDelivered);
  });
});
