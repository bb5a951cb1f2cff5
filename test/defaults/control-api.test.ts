import { request as httpRequest } from 'node:http';
import { getResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { createHandlers } from '../../mocks/msw.js';
import { startNodeHttpMockServer } from '../../mocks/node-http.js';
import { main } from '../../src/cli/main.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { call, create, MODEL } from '../support/sim-call.js';

const starters = { express: startMockServer, 'node:http': startNodeHttpMockServer };
const KEY = 'sk-aig-control';

/** A request with exactly these headers (fetch cannot set Host), to 127.0.0.1. */
function raw(server: RunningMockServer, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

async function jobOf(server: RunningMockServer): Promise<string> {
  const r = await fetch(`${server.url}/videos/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, prompt: 'a lake' }),
  });
  return ((await r.json()) as { id: string }).id;
}
const stillThere = async (server: RunningMockServer, id: string) =>
  (await fetch(`${server.url}/jobs/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).status === 200;

describe.each(Object.entries(starters))('the control API of the %s server', (_, start) => {
  let server: RunningMockServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it("does nothing for a web page's simple POST /__mock/reset (text/plain, another Origin)", async () => {
    server = await start({ port: 0 });
    const id = await jobOf(server);
    const host = `127.0.0.1:${server.port}`;
    const answer = await raw(server, 'POST', '/__mock/reset', { host, origin: 'http://evil.example', 'content-type': 'text/plain' }, 'x');
    expect(answer.status).toBe(403);
    expect(validateResponse('mockReset', 403, answer.headers as Record<string, string>, JSON.parse(answer.body))).toEqual([]);
    expect(JSON.parse(answer.body).error).toMatchObject({ type: 'permission_error', code: 'cross_site_request', param: 'Origin' });
    expect(await stillThere(server, id)).toBe(true);
  });

  it('refuses any request a browser marks as coming from another site, same-site included', async () => {
    server = await start({ port: 0 });
    const host = `127.0.0.1:${server.port}`;
    for (const site of ['cross-site', 'same-site']) {
      const answer = await raw(server, 'GET', '/__mock/journal', { host, 'sec-fetch-site': site });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).error.param).toBe('Sec-Fetch-Site');
    }
    expect((await raw(server, 'GET', '/__mock/journal', { host, origin: 'null' })).status).toBe(403);
  });

  it('answers its own origin, and a request a user typed (Sec-Fetch-Site: none), and tools that send neither', async () => {
    server = await start({ port: 0 });
    const host = `127.0.0.1:${server.port}`;
    expect((await raw(server, 'GET', '/__mock/health', { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await raw(server, 'GET', '/__mock/health', { host, 'sec-fetch-site': 'none' })).status).toBe(200);
    expect((await raw(server, 'GET', '/__mock/health', { host })).status).toBe(200);
  });

  it('takes mutations only as JSON, so no browser can send one without a preflight', async () => {
    server = await start({ port: 0 });
    const id = await jobOf(server);
    const host = `127.0.0.1:${server.port}`;
    for (const [method, path, type] of [['POST', '/__mock/reset', 'text/plain'], ['POST', '/__mock/reset', null], ['PUT', '/__mock/wallet', 'application/x-www-form-urlencoded'], ['POST', '/__mock/clock', 'multipart/form-data; boundary=x']] as const) {
      const answer = await raw(server, method, path, { host, authorization: `Bearer ${KEY}`, ...(type === null ? {} : { 'content-type': type }) });
      expect(answer.status, `${method} ${path} as ${type}`).toBe(415);
      expect(JSON.parse(answer.body).error.param).toBe('Content-Type');
    }
    expect(await stillThere(server, id)).toBe(true);
    const reset = await raw(server, 'POST', '/__mock/reset', { host, 'content-type': 'application/json' });
    expect(reset.status).toBe(200);
    expect(await stillThere(server, id)).toBe(false);
  });

  it('grants no CORS preflight to /__mock/*', async () => {
    server = await start({ port: 0 });
    const r = await fetch(`${server.origin}/__mock/reset`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers only loopback Host names when bound to loopback (no DNS rebinding)', async () => {
    server = await start({ port: 0 });
    const port = server.port;
    const rebound = await raw(server, 'GET', '/__mock/health', { host: `attacker.example:${port}`, origin: `http://attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toMatchObject({ code: 'host_not_allowed', param: 'Host' });
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
      expect((await raw(server, 'GET', '/__mock/health', { host })).status, host).toBe(200);
    }
    // The video API stays open to any Host (its CORS lets any page call it on loopback anyway).
    expect((await raw(server, 'GET', '/v1/models', { host: `attacker.example:${port}`, authorization: `Bearer ${KEY}` })).status).toBe(200);
  });

  it('answers the Host names it is told to allow', async () => {
    server = await start({ port: 0, allowedHosts: ['mock.test'] });
    expect((await raw(server, 'GET', '/__mock/health', { host: `mock.test:${server.port}` })).status).toBe(200);
    expect((await raw(server, 'GET', '/__mock/health', { host: `other.test:${server.port}` })).status).toBe(403);
  });

  it('refuses a key that --api-keys refuses: it cannot set its wallet or arm faults', async () => {
    const store = createMemoryStore();
    server = await start({ port: 0, apiKeys: [KEY], store });
    const json = { 'content-type': 'application/json' };
    const refused = await fetch(`${server.origin}/__mock/wallet`, { method: 'PUT', headers: { ...json, authorization: 'Bearer sk-aig-not-listed' }, body: '{"balance_cents":0}' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe('Authorization');
    const fault = await fetch(`${server.origin}/__mock/faults`, { method: 'POST', headers: { ...json, authorization: 'Bearer sk-aig-not-listed' }, body: '{"operation":"getJob","status":503}' });
    expect(fault.status).toBe(401);
    expect((await store.counts()).keys).toBe(0);
    const allowed = await fetch(`${server.origin}/__mock/wallet`, { method: 'PUT', headers: { ...json, authorization: `Bearer ${KEY}` }, body: '{"balance_cents":0}' });
    expect(allowed.status).toBe(200);
  });

  it('refuses to start with an empty admin token', async () => {
    await expect(start({ port: 0, adminToken: '' })).rejects.toThrow(/adminToken/);
  });
});

describe('the control API in the core', () => {
  it('never answers a webhook delivery (a signed event sent to /__mock/*)', async () => {
    const sim = createSimulation();
    await create(sim);
    const r = await call(sim, 'POST', '/__mock/reset', { key: null, headers: { 'content-type': 'application/json', 'aig-signature': 'ab', 'aig-timestamp': '1776947082' } });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('webhook_to_control_api');
    expect(await sim.jobs()).toHaveLength(1);
  });

  it('checks the admin token, right or wrong whatever its length', async () => {
    const sim = createSimulation({ adminToken: 'the-admin-token' });
    for (const token of ['', 't', 'the-admin-toke', 'the-admin-tokenX', 'THE-ADMIN-TOKEN']) {
      expect((await call(sim, 'GET', '/__mock/health', { headers: { 'x-aigw-admin-token': token } })).status, token).toBe(401);
    }
    expect((await call(sim, 'GET', '/__mock/health', { headers: { 'x-aigw-admin-token': 'the-admin-token' } })).status).toBe(200);
  });
});

describe('the control API under MSW', () => {
  it("answers the page's own cross-origin calls (in-process, no other site can reach it), JSON-only still", async () => {
    const handlers = createHandlers({ baseUrl: 'http://mock.test' });
    const reset = (type: string) =>
      getResponse(handlers, new Request('http://mock.test/__mock/reset', { method: 'POST', headers: { origin: 'http://localhost:5173', 'sec-fetch-site': 'cross-site', 'content-type': type } }));
    expect((await reset('application/json'))?.status).toBe(200);
    expect((await reset('text/plain'))?.status).toBe(415);
  });

  it('refuses an empty admin token', () => {
    expect(() => createHandlers({ adminToken: '' })).toThrow(/adminToken/);
  });
});

describe('aigw-video serve', () => {
  it("refuses --admin-token '' with exit code 2", async () => {
    let err = '';
    const code = await main(['serve', '--port', '0', '--admin-token', ''], { out: () => undefined, err: (t) => void (err += t), env: {} });
    expect(code).toBe(2);
    expect(err).toContain('--admin-token must not be empty');
  });
});
