import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { runRecord } from '../../src/cli/record.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import type { RecordedHar } from '../../src/har/har-types.js';
import { parseHar } from '../../src/har/validate-har.js';
import { startRecordingProxy } from '../../src/record/recording-proxy.js';
import { createReplay } from '../../src/replay/create-replay.js';
import { MODEL } from '../support/sim-call.js';

const KEY = 'sk-aig-proxy-test-77';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

async function completedJob(base: string): Promise<{ id: string; result: { url: string } }> {
  const created = (await (await fetch(`${base}/videos/generations`, { method: 'POST', headers: auth, body: JSON.stringify({ model: MODEL, prompt: 'a lake', duration: 1 }) })).json()) as { id: string };
  for (let i = 0; i < 5; i++) {
    const job = (await (await fetch(`${base}/jobs/${created.id}`, { headers: auth })).json()) as { id: string; status: string; result: { url: string } };
    if (job.status === 'completed') return job;
  }
  throw new Error('the job never completed');
}

describe('the recording proxy', () => {
  let mock: RunningMockServer;
  let dir: string;
  beforeAll(async () => {
    mock = await startMockServer({ port: 0, timing: 'steps' });
    dir = await mkdtemp(join(tmpdir(), 'aigw-proxy-'));
  });
  afterAll(async () => {
    await mock.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams media through whole and answers Range requests as the target does, keeping media in the HAR only up to the limit', async () => {
    const proxy = await startRecordingProxy({ target: mock.url, maxMediaBytes: 1000 });
    try {
      const job = await completedJob(proxy.url);
      expect(job.result.url.startsWith(proxy.origin)).toBe(true);
      const whole = await fetch(job.result.url);
      const bytes = new Uint8Array(await whole.arrayBuffer());
      const direct = new Uint8Array(await (await fetch(job.result.url.replace(proxy.origin, mock.origin))).arrayBuffer());
      expect(bytes).toEqual(direct);
      const ranged = await fetch(job.result.url, { headers: { range: 'bytes=10-29' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe(`bytes 10-29/${direct.byteLength}`);
      expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(direct.subarray(10, 30));

      const media = proxy.recorder.entries().filter((e) => e._aigw?.operationId === 'downloadJobMedia');
      expect(media).toHaveLength(2);
      const [full, part] = media;
      expect(full?._aigw?.truncated).toEqual({ keptBytes: 1000, totalBytes: direct.byteLength });
      expect(full?.response.content).toMatchObject({ size: direct.byteLength, encoding: 'base64', comment: expect.stringContaining('truncated') });
      expect(Buffer.from(full?.response.content.text ?? '', 'base64')).toEqual(Buffer.from(direct.subarray(0, 1000)));
      expect(part?.response.status).toBe(206);
      expect(part?._aigw?.truncated).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it('answers 502 in the API envelope when the target cannot be reached, and marks the entry as its own', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const proxy = await startRecordingProxy({ target: `http://127.0.0.1:${port}/v1` });
    try {
      const response = await fetch(`${proxy.url}/jobs/job_1`, { headers: auth });
      expect(response.status).toBe(502);
      expect(response.headers.get('x-aigw-proxy-error')).toBe('unreachable');
      const body = (await response.json()) as { error: { type: string; code: string; message: string } };
      expect(body.error).toMatchObject({ type: 'server_error', code: 'proxy_target_unreachable' });
      expect(body.error.message).toContain("the recording proxy's, not the gateway's");
      const [entry] = proxy.recorder.entries();
      expect(entry?._aigw?.proxyError?.kind).toBe('unreachable');
      expect(entry?.comment).toContain('answered by the recording proxy');
      const har = proxy.recorder.har();
      expect(calibrate(har).source.entries).toBe(0);
      expect(createReplay(har).entries).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('answers 504 when the target does not start answering in time', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const proxy = await startRecordingProxy({ target: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 200 });
    try {
      const response = await fetch(`${proxy.url}/models`, { headers: auth });
      expect(response.status).toBe(504);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('proxy_timeout');
      expect(proxy.recorder.entries()[0]?._aigw?.proxyError?.kind).toBe('timeout');
    } finally {
      await proxy.close();
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('as `aigw-video record`, prints each exchange with the totals, keeps the file complete as it goes, and writes it whole on SIGINT', async () => {
    const out = join(dir, 'cli.har');
    let printed = '';
    const io: CliIo = { out: (t) => void (printed += t), err: (t) => void (printed += t), env: {} };
    const signals = new EventEmitter();
    const done = runRecord(['--target', mock.url, '--out', out, '--port', '0'], io, signals);
    for (let i = 0; i < 500 && !printed.includes('point your client at'); i++) await new Promise((r) => setTimeout(r, 10));
    const url = /point your client at (\S+)/.exec(printed)?.[1] as string;
    await completedJob(url);
    // The file is rewritten (atomically) after exchanges: complete before anyone stops the proxy.
    let early: RecordedHar | null = null;
    for (let i = 0; i < 500 && (early?.log.entries.length ?? 0) < 2; i++) {
      early = await readFile(out, 'utf8').then((t) => parseHar(t) as RecordedHar).catch(() => null);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(early?.log.entries.length).toBeGreaterThanOrEqual(2);
    signals.emit('SIGINT');
    expect(await done).toBe(0);
    const har = parseHar(await readFile(out, 'utf8')) as RecordedHar;
    expect(har.log.entries.length).toBeGreaterThanOrEqual(3);
    expect(har.log._aigw?.target).toBe(mock.url.replace(/\/v1$/, ''));
    expect(printed).toMatch(/POST \/v1\/videos\/generations -> 202 queued job_\S+ \(\d+ ms\)\s+\[1 request, 1 job, [\d.]+ (B|kB)\]/);
    expect(printed).toMatch(/wrote .*cli\.har: \d+ requests, 1 job/);
    expect(await readFile(out, 'utf8')).not.toContain(KEY);
  });
});
