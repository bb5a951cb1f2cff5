import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockServer } from '../../mocks/express.js';

// Distinctive enough that finding it anywhere means it leaked.
const KEY = 'sk-aig-CANARY-7f3a9c1e-never-log-me';
const NEEDLE = 'CANARY-7f3a9c1e';

describe('API keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aigw-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never appear in the log, the journal, the wallet or the state file, however they are sent', async () => {
    const lines: string[] = [];
    const stateFile = join(dir, 'state.jsonl');
    const server = await startMockServer({ port: 0, stateFile, log: (line) => lines.push(line) });
    const base = `http://127.0.0.1:${server.port}`;
    const json = { 'content-type': 'application/json' };
    try {
      const created = await fetch(`${server.url}/videos/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, ...json },
        body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake', duration: 1 }),
      });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };
      await fetch(`${server.url}/jobs/${id}`, { headers: { authorization: `Bearer ${KEY}` } });
      // The wrong ways: without Bearer, in headers other APIs use, in the query string.
      await fetch(`${server.url}/jobs/${id}`, { headers: { authorization: KEY } });
      await fetch(`${server.url}/jobs/${id}`, { headers: { 'x-api-key': KEY, 'api-key': KEY, cookie: `key=${KEY}` } });
      await fetch(`${server.url}/jobs/${id}?api_key=${KEY}`, { headers: { authorization: `Bearer ${KEY}` } });
      await fetch(`${server.url}/jobs/${id}?key=${encodeURIComponent(KEY)}`);
      await fetch(`${base}/__mock/wallet`, { headers: { authorization: `Bearer ${KEY}` } });

      const journal = await (await fetch(`${base}/__mock/journal`)).text();
      const wallet = await (await fetch(`${base}/__mock/wallet`, { headers: { authorization: `Bearer ${KEY}` } })).text();
      expect(JSON.parse(journal).entries.length).toBe(6); // the API requests; /__mock calls are not journaled
      expect(lines.length).toBeGreaterThanOrEqual(7);
      const leaks = {
        log: lines.filter((line) => line.includes(NEEDLE)),
        journal: journal.includes(NEEDLE) ? journal : null,
        wallet: wallet.includes(NEEDLE) ? wallet : null,
      };
      expect(leaks).toEqual({ log: [], journal: null, wallet: null });
      expect(wallet).toContain('key_');
    } finally {
      await server.close();
    }
    expect(readFileSync(stateFile, 'utf8')).not.toContain(NEEDLE);
  });

  it('never appear there either when escaped, cut by a semicolon or hidden in a webhook_url', async () => {
    const hooks: string[] = [];
    const receiver = createServer((req, res) => {
      hooks.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
    const hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const lines: string[] = [];
    const stateFile = join(dir, 'escaped.jsonl');
    const server = await startMockServer({ port: 0, timing: 'steps', stateFile, log: (line) => lines.push(line) });
    const base = `http://127.0.0.1:${server.port}`;
    const escaped = `sk%2Daig%2D${NEEDLE}`;
    try {
      const created = await fetch(`${server.url}/videos/generations`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-aig-webhook-owner', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake', duration: 1, webhook_url: `${hookBase}/hook?token=${KEY}` }),
      });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };
      await fetch(`${server.url}/jobs/${escaped}`, { headers: { authorization: 'Bearer sk-aig-webhook-owner' } });
      await fetch(`${server.url}/jobs/job_x?api_key=${escaped}`, { headers: { authorization: 'Bearer sk-aig-webhook-owner' } });
      await fetch(`${server.url}/jobs/job_x?api_key=sk-aig-a;${NEEDLE}`, { headers: { 'x-api-key': `sk-aig-a;${NEEDLE}`, cookie: `k=sk-aig-b;${NEEDLE}` } });
      // Two polls end the job (steps timing); the event then goes out with the key in its query.
      for (let i = 0; i < 2; i++) await fetch(`${server.url}/jobs/${id}`, { headers: { authorization: 'Bearer sk-aig-webhook-owner' } });
      for (let i = 0; i < 500 && !(await server.simulation.journal()).some((e) => e.operation === 'webhook'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(hooks).toEqual([`/hook?token=${KEY}`]);
      const journal = await (await fetch(`${base}/__mock/journal`)).text();
      expect(JSON.parse(journal).entries.some((e: { operation: string }) => e.operation === 'webhook')).toBe(true);
      expect({ log: lines.filter((line) => line.includes(NEEDLE)), journal: journal.includes(NEEDLE) ? journal : null }).toEqual({ log: [], journal: null });
    } finally {
      await server.close();
      await new Promise((done) => receiver.close(done));
    }
    expect(readFileSync(stateFile, 'utf8')).not.toContain(NEEDLE);
  });
});
