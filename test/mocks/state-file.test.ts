import { spawnSync, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockServer } from '../../mocks/express.js';
import { startNodeHttpMockServer } from '../../mocks/node-http.js';
import { checkStatePath, openStateLog, type StateLog, type StateLogOptions } from '../../mocks/state-file.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { createSimulation, type Simulation, type SimulationSetup } from '../../src/sim/simulation.js';
import { call, create, inSeries, MODEL, poll, virtualClock } from '../support/sim-call.js';

const dir = mkdtempSync(join(tmpdir(), 'aigw-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `state-${n++}.jsonl`);
const auth = { authorization: 'Bearer sk-aig-state' };
const json = { ...auth, 'content-type': 'application/json' };

/** A simulation over an in-memory store kept in the file at `path`. */
function persisted(path: string, setup: SimulationSetup = {}, options: StateLogOptions = {}): { sim: Simulation; log: StateLog } {
  const store = createMemoryStore();
  const log = openStateLog(path, store, options);
  return { sim: createSimulation({ ...setup, store }), log };
}

async function createOver(url: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await fetch(`${url}/videos/generations`, { method: 'POST', headers: json, body: JSON.stringify({ model: MODEL, prompt: 'p', ...body }) });
  expect(r.status).toBe(202);
  return ((await r.json()) as { id: string }).id;
}

describe('a state file used by one server', () => {
  it('cannot be opened by a second server at the same time: it refuses, naming the file and the holder', async () => {
    const stateFile = fresh();
    const first = await startMockServer({ port: 0, stateFile });
    try {
      await expect(startMockServer({ port: 0, stateFile })).rejects.toThrow(new RegExp(`${stateFile}.*in use by process ${process.pid}`));
      await createOver(first.url);
    } finally {
      await first.close();
    }
    // Released on close: the next server gets it.
    const second = await startMockServer({ port: 0, stateFile });
    await second.close();
  });

  it('is refused while another live process holds its lock', async () => {
    const stateFile = fresh();
    writeFileSync(`${stateFile}.lock`, JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname() }));
    await expect(startMockServer({ port: 0, stateFile })).rejects.toThrow(`in use by process ${process.ppid}`);
  });

  it('is taken over from a process that died holding it', async () => {
    const stateFile = fresh();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${stateFile}.lock`, JSON.stringify({ pid: dead, host: (await import('node:os')).hostname() }));
    const server = await startMockServer({ port: 0, stateFile });
    try {
      expect(JSON.parse(readFileSync(`${stateFile}.lock`, 'utf8')).pid).toBe(process.pid);
    } finally {
      await server.close();
    }
    expect(existsSync(`${stateFile}.lock`)).toBe(false);
  });
});

describe('a path that is not a state file', () => {
  it.each([
    // A device node of its own (a regression must never get to overwrite the machine's /dev/null).
    ['a device', () => {
      const node = fresh();
      execFileSync('mknod', [node, 'c', '1', '3']);
      return node;
    }, /is a device/],
    ['a symbolic link', () => {
      const target = fresh();
      writeFileSync(target, '');
      const link = fresh();
      symlinkSync(target, link);
      return link;
    }, /is a symbolic link/],
    ['a FIFO', () => {
      const fifo = fresh();
      execFileSync('mkfifo', [fifo]);
      return fifo;
    }, /is a FIFO/],
    ['a directory', () => {
      const d = fresh();
      mkdirSync(d);
      return d;
    }, /is a directory/],
  ])('is refused when it is %s, naming it', async (_, make, message) => {
    const path = make();
    await expect(startMockServer({ port: 0, stateFile: path })).rejects.toThrow(message);
    await expect(startMockServer({ port: 0, stateFile: path })).rejects.toThrow(path);
  });

  it("is refused, by looking only, when it is the machine's /dev/null", () => {
    expect(() => checkStatePath('/dev/null')).toThrow('/dev/null is a device, not a state file');
  });

  it('is refused, and left as it was, when it holds something else', async () => {
    const path = fresh();
    const config = '{"compilerOptions":{"strict":true}}\n';
    writeFileSync(path, config);
    await expect(startMockServer({ port: 0, stateFile: path })).rejects.toThrow(`${path} is not an aigw-video-kit state file`);
    expect(readFileSync(path, 'utf8')).toBe(config);
  });

  it('is refused when a record parses but is not a state record, with the file and line', async () => {
    for (const bad of ['null', '{}', '{"changes":[{"t":"job"}]}', '{"changes":[{"t":"account","account":{"key":1}}]}']) {
      const path = fresh();
      const { sim, log } = persisted(path);
      await create(sim);
      log.close();
      appendFileSync(path, `${bad}\n{"changes":[]}\n`);
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n').length;
      await expect(startMockServer({ port: 0, stateFile: path }), bad).rejects.toThrow(`${path}:${lines - 1} is not a state record`);
    }
  });

  it('is refused when it was written by an older version (version 1), saying what to do', async () => {
    const path = fresh();
    const config = '{"t":"reset"}\n{"t":"clock","offsetMs":0}\n';
    writeFileSync(path, config);
    await expect(startMockServer({ port: 0, stateFile: path })).rejects.toThrow(`${path} was written by an older aigw-video-kit (state file version 1)`);
    expect(readFileSync(path, 'utf8')).toBe(config);
  });
});

describe('each unit of work', () => {
  it('is written as one record: a create and its charge together', async () => {
    const path = fresh();
    const { sim, log } = persisted(path, { now: virtualClock().now });
    await create(sim, { duration: 3 });
    log.close();
    const last = JSON.parse(readFileSync(path, 'utf8').trimEnd().split('\n').at(-1) ?? 'null') as { changes: Array<{ t: string }> };
    expect(last.changes.map((c) => c.t).sort()).toEqual(['account', 'job', 'keys']);
  });

  it('is dropped whole when the crash tore its record, and the start says how many records it recovered and dropped', async () => {
    const path = fresh();
    const clock = virtualClock();
    const first = persisted(path, { now: clock.now });
    for (const duration of [1, 2]) await create(first.sim, { duration });
    first.log.close();
    // A crash in the middle of writing the third create: half its record reached the disk.
    writeFileSync(path, readFileSync(path, 'utf8') + '{"changes":[{"t":"job","job":{"id":"job_torn","key":"k');

    const lines: string[] = [];
    const second = persisted(path, { now: clock.now }, { log: (line) => lines.push(line) });
    try {
      expect(await second.sim.jobs()).toHaveLength(2);
      expect((await call(second.sim, 'GET', '/__mock/wallet', { key: 'sk-aig-test' })).json).toMatchObject({ spent_cents: 30 });
      expect(second.log.recovered).toBeGreaterThan(0);
      expect(second.log.dropped).toBe(1);
      expect(lines.join('\n')).toMatch(new RegExp(`${path}: \\d+ records recovered, 1 dropped \\(a torn last record`));
    } finally {
      second.log.close();
    }
  });
});

describe('compaction', () => {
  it('rewrites a long log as one snapshot that restores the same jobs and wallets', async () => {
    const path = fresh();
    const clock = virtualClock();
    const { sim, log } = persisted(path, { timing: 'steps', now: clock.now }, { compactAfterRecords: 50 });
    const ids = await inSeries([1, 2, 3], async (duration) => (await create(sim, { duration })).json.id as string);
    for (let i = 0; i < 200; i++) {
      await poll(sim, 'job_none');
      await call(sim, 'PUT', '/__mock/wallet', { body: { balance_cents: 1000 + i } });
    }
    log.close();
    const records = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(records.length).toBeLessThan(60);
    const restored = persisted(path, { timing: 'steps', now: clock.now });
    restored.log.close();
    expect(await inSeries(ids, async (id) => (await poll(restored.sim, id)).status)).toEqual([200, 200, 200]);
    expect((await call(restored.sim, 'GET', '/__mock/wallet')).json).toMatchObject({ balance_cents: 1199, spent_cents: 60 });
  });
});

describe('a state file that becomes unwritable while serving', () => {
  it('keeps the server answering, reports the failure in the log and the health, and catches up once writable', async () => {
    const sub = join(dir, `gone-${n++}`);
    mkdirSync(sub);
    const stateFile = join(sub, 'state.jsonl');
    const lines: string[] = [];
    const server = await startNodeHttpMockServer({ port: 0, timing: 'steps', stateFile, log: (line) => lines.push(line) });
    try {
      const health = async () => ((await (await fetch(`${server.origin}/__mock/health`)).json()) as { persistence: Record<string, unknown> }).persistence;
      expect(await health()).toMatchObject({ mode: 'state-file', ok: true, error: null, failed_writes: 0 });
      rmSync(sub, { recursive: true, force: true });
      const id = await createOver(server.url);
      expect((await fetch(`${server.url}/jobs/${id}`, { headers: auth })).status).toBe(200);
      const failing = await health();
      expect(failing).toMatchObject({ mode: 'state-file', ok: false });
      expect(String(failing['error'])).toContain('ENOENT');
      expect(lines.some((line) => /state file.*could not be written/i.test(line))).toBe(true);
      mkdirSync(sub);
      // The next write (at most a second later) writes the whole state again.
      for (let i = 0; i < 300 && (await health())['ok'] !== true; i++) {
        await new Promise((r) => setTimeout(r, 10));
        await fetch(`${server.url}/jobs/${id}`, { headers: auth });
      }
      expect(await health()).toMatchObject({ ok: true, error: null });
      expect(readFileSync(stateFile, 'utf8')).toContain(id);
    } finally {
      await server.close();
    }
  });
});

describe('a restart with a state file', () => {
  it('does not deliver again a webhook delivered before it', async () => {
    const hits: string[] = [];
    const receiver = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/once`;
    const stateFile = fresh();
    try {
      const first = await startNodeHttpMockServer({ port: 0, timing: 'steps', stateFile });
      const id = await createOver(first.url, { webhook_url: hook });
      await fetch(`${first.url}/jobs/${id}`, { headers: auth });
      await fetch(`${first.url}/jobs/${id}`, { headers: auth });
      for (let i = 0; i < 300 && hits.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(hits).toEqual(['/once']);
      await first.close();
      const second = await startNodeHttpMockServer({ port: 0, timing: 'steps', stateFile });
      await fetch(`${second.url}/jobs/${id}`, { headers: auth });
      await new Promise((r) => setTimeout(r, 400));
      await second.close();
      expect(hits).toEqual(['/once']);
    } finally {
      await new Promise((done) => receiver.close(done));
    }
  });

  it('does not send an event whose webhook_url held a key (the file keeps no key), and says why', async () => {
    const stateFile = fresh();
    const first = await startNodeHttpMockServer({ port: 0, timing: 'steps', stateFile });
    const id = await createOver(first.url, { webhook_url: 'http://127.0.0.1:9/hook?token=sk-aig-kept-nowhere' });
    await first.close();
    expect(readFileSync(stateFile, 'utf8')).not.toContain('kept-nowhere');
    const second = await startNodeHttpMockServer({ port: 0, timing: 'steps', stateFile });
    try {
      await fetch(`${second.url}/jobs/${id}`, { headers: auth });
      await fetch(`${second.url}/jobs/${id}`, { headers: auth });
      const entry = async () => (await second.simulation.journal()).find((e) => e.operation === 'webhook');
      for (let i = 0; i < 200 && (await entry()) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await entry()).toMatchObject({ job_id: id, status: 0, fault: 'webhook-url-not-kept' });
    } finally {
      await second.close();
    }
  });
});
