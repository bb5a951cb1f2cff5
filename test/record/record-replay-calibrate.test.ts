import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { readHarFile } from '../../src/har/read-har-file.js';
import type { Har } from '../../src/har/har-types.js';
import { validateHar } from '../../src/har/validate-har.js';
import { startRecordingProxy } from '../../src/record/recording-proxy.js';
import { createReplay } from '../../src/replay/create-replay.js';
import { MODEL } from '../support/sim-call.js';

const KEY = 'sk-aig-recorded-secret-4f9a1c';
const QUEUED_MS = 1500;
const PROCESSING_MS = 700;
const POLL_STEP_MS = 100;

function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, stdout: () => out, stderr: () => err };
}

/** What one call answered, with the server's origin replaced so recording and replay compare. */
interface Outcome {
  call: string;
  status: number;
  body: unknown;
}

type Job = { id: string; status: string; result?: { url: string } };

/**
 * The same SDK calls against any base URL: the model list, three jobs polled to their end (one
 * forced to fail), a bad key, a forced 429, an unknown job, and a ranged download of a video.
 * `advance` moves the virtual clock between polls (the recording); the replay needs none.
 */
async function drive(baseUrl: string, advance: (ms: number) => void): Promise<Outcome[]> {
  const origin = new URL(baseUrl).origin;
  const normalize = (value: unknown): unknown => JSON.parse(JSON.stringify(value).split(origin).join('ORIGIN'));
  const client = new OpenAI({ apiKey: KEY, baseURL: baseUrl, maxRetries: 0 });
  const outcomes: Outcome[] = [];
  const record = async (name: string, run: () => Promise<{ status: number; body: unknown }>): Promise<unknown> => {
    const { status, body } = await run();
    outcomes.push({ call: name, status, body: normalize(body) });
    return body;
  };
  const sdk = async <T>(promise: Promise<{ data: T; response: Response }>): Promise<{ status: number; body: T }> => {
    const { data, response } = await promise;
    return { status: response.status, body: data };
  };
  const failing = async (promise: Promise<unknown>): Promise<{ status: number; body: unknown }> => {
    const error = (await promise.catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return { status: error.status ?? 0, body: error.error };
  };

  await record('models', () => sdk(client.get('/models').withResponse()));
  const jobs: Job[] = [];
  for (const [name, body, headers] of [
    ['job A', { model: MODEL, prompt: 'a slow drone shot over a mountain lake', duration: 4 }, {}],
    ['job B', { model: MODEL, prompt: 'waves on a quiet beach', duration: 2, aspect_ratio: '9:16', webhook_url: 'https://hooks.example.com/T0K3N/abc?secret=s3cr3t' }, {}],
    ['job C', { model: MODEL, prompt: 'a paper boat', duration: 1 }, { prefer: 'outcome=failed' }],
  ] as const) {
    const created = (await record(`${name} create`, () => sdk(client.post<Job>('/videos/generations', { body, headers }).withResponse()))) as Job;
    let job = created;
    for (let poll = 0; poll < 200 && job.status !== 'completed' && job.status !== 'failed'; poll++) {
      advance(POLL_STEP_MS);
      job = (await record(`${name} poll ${poll}`, () => sdk(client.get<Job>(`/jobs/${created.id}`).withResponse()))) as Job;
    }
    expect(['completed', 'failed']).toContain(job.status);
    jobs.push(job);
  }
  const bad = new OpenAI({ apiKey: 'not-a-gateway-key', baseURL: baseUrl, maxRetries: 0 });
  await record('bad key', () => failing(bad.post('/videos/generations', { body: { model: MODEL, prompt: 'p' } })));
  await record('forced 429', () => failing(client.get('/jobs/job_anything', { headers: { prefer: 'code=429, retry-after=3' } })));
  await record('unknown job', () => failing(client.get('/jobs/job_doesnotexist')));
  const url = jobs[0]?.result?.url as string;
  expect(new URL(url).origin).toBe(origin);
  await record('download', async () => {
    const response = await fetch(url, { headers: { range: 'bytes=0-99' } });
    return { status: response.status, body: { range: response.headers.get('content-range'), bytes: (await response.arrayBuffer()).byteLength } };
  });
  return outcomes;
}

describe('record once, test forever: the official openai SDK through record, then replay, calibrate and verify --from-har', () => {
  let dir: string;
  let harPath: string;
  let mock: RunningMockServer;
  let recorded: Outcome[];
  let har: Har;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aigw-har-'));
    harPath = join(dir, 'session.har');
    // One virtual clock for the mock and the recorder: the timings are exact however slow the machine.
    let clock = Date.parse('2026-03-01T12:00:00.000Z');
    const now = (): number => clock;
    mock = await startMockServer({ port: 0, timing: 'realtime', realtime: { queuedMs: QUEUED_MS, processingMsPerSecond: PROCESSING_MS }, now, seed: 11 });
    const proxy = await startRecordingProxy({ target: mock.url, out: harPath, now });
    recorded = await drive(proxy.url, (ms) => void (clock += ms));
    await proxy.close();
    await mock.close();
    har = await readHarFile(harPath);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a HAR 1.2 file that validates against the schema, one entry per exchange', () => {
    expect(() => validateHar(har)).not.toThrow();
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries).toHaveLength(recorded.length);
  });

  it('never writes the key, the webhook URL or its secret, anywhere in the file', async () => {
    const text = await readFile(harPath, 'utf8');
    expect(text).not.toContain('recorded-secret');
    expect(text).not.toContain('T0K3N');
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain('https://hooks.example.com/redacted');
    const auth = har.log.entries[0]?.request.headers.find((h) => h.name === 'authorization')?.value;
    expect(auth).toMatch(/^Bearer \[redacted\] key_[0-9a-f]{12}$/);
  });

  it('keeps the polls of each job in order, each with its time, and the job moving only forward', () => {
    const rank: Record<string, number> = { queued: 0, processing: 1, completed: 2, failed: 2 };
    const byJob = new Map<string, { at: number; status: string }[]>();
    for (const entry of har.log.entries) {
      const match = /\/v1\/jobs\/(job_[^/]+)$/.exec(new URL(entry.request.url).pathname);
      if (match === null || entry.response.status !== 200) continue;
      const job = JSON.parse(entry.response.content.text ?? '{}') as { status: string };
      byJob.set(match[1] as string, [...(byJob.get(match[1] as string) ?? []), { at: Date.parse(entry.startedDateTime), status: job.status }]);
      expect(entry.timings.wait).toBeGreaterThanOrEqual(0);
    }
    expect(byJob.size).toBe(3);
    for (const polls of byJob.values()) {
      for (let i = 1; i < polls.length; i++) {
        expect(polls[i]?.at).toBeGreaterThan(polls[i - 1]?.at as number);
        expect(rank[polls[i]?.status as string]).toBeGreaterThanOrEqual(rank[polls[i - 1]?.status as string] as number);
      }
    }
  });

  it('replays the recording: the same SDK calls get the same statuses and bodies back, over Express and node:http', async () => {
    for (const start of [startMockServer, (await import('../../mocks/node-http.js')).startNodeHttpMockServer]) {
      const server = await start({ port: 0, replay: createReplay(har) });
      try {
        expect(await drive(server.url, () => undefined)).toEqual(recorded);
      } finally {
        await server.close();
      }
    }
  });

  it('calibrates the dialect (union, with evidence) and the timings within 10% of the mock\'s', () => {
    const profile = calibrate(har);
    expect(profile.dialect.name).toBe('union');
    const observed = profile.dialect.points.filter((p) => p.observed).map((p) => p.point);
    expect(observed).toEqual(expect.arrayContaining(['create-status', 'time-fields', 'result-location', 'statuses', 'error-types', 'fast-poll', 'failed-error']));
    for (const point of profile.dialect.points.filter((p) => p.observed)) {
      for (const evidence of point.evidence) expect(har.log.entries[evidence.entry]).toBeDefined();
    }
    const queued = profile.timings.queuedMs?.median ?? Number.NaN;
    const processing = profile.timings.processingMsPerVideoSecond?.median ?? Number.NaN;
    expect(Math.abs(queued - QUEUED_MS) / QUEUED_MS).toBeLessThanOrEqual(0.1);
    expect(Math.abs(processing - PROCESSING_MS) / PROCESSING_MS).toBeLessThanOrEqual(0.1);
    expect(profile.timings.queuedMs?.samples).toBe(3);
    expect(profile.timings.processingMsPerVideoSecond?.samples).toBe(2);
    expect(profile.timings.rateLimit.limitRequests).toBe(600);
  });

  it('serves a profile from `calibrate` as the realtime schedule of a new simulation', async () => {
    const profilePath = join(dir, 'gateway-profile.json');
    const io = captureIo();
    expect(await main(['calibrate', harPath, '--out', profilePath], io)).toBe(0);
    expect(io.stderr()).toContain('dialect: union');
    const { serveOptions } = await import('../../src/cli/serve.js');
    const { loadServeFiles, withProfile } = await import('../../src/cli/serve-files.js');
    const options = serveOptions(['--profile', profilePath, '--port', '0']);
    if (options === 'help') throw new Error('unexpected help');
    const loaded = await loadServeFiles(options.files);
    const simulated = withProfile({ port: 0 }, loaded.profile as NonNullable<typeof loaded.profile>);
    // Every job of the recorded mock took the same time: no spread to simulate, each timing a number.
    expect(simulated.realtime?.queuedMs).toBe(Math.round(calibrate(har).timings.queuedMs?.median ?? 0));
    expect(typeof simulated.realtime?.processingMsPerSecond).toBe('number');
    expect(Math.abs((simulated.realtime?.processingMsPerSecond as number) - PROCESSING_MS)).toBeLessThanOrEqual(PROCESSING_MS * 0.1);
    expect(withProfile({ realtime: { queuedMs: 5 } }, loaded.profile as NonNullable<typeof loaded.profile>).realtime?.queuedMs).toBe(5);
  });

  it('passes verify --from-har and names the dialect in the drift summary', async () => {
    const io = captureIo();
    const code = await main(['verify', '--from-har', harPath], io);
    expect(io.stdout()).toContain('0 failed');
    expect(code).toBe(0);
    expect(io.stdout()).toMatch(/Dialect: union\n/);
    expect(io.stdout()).toMatch(/PASS {2}lifecycle_monotonic/);
    expect(io.stdout()).toMatch(/SKIP {2}model_lifecycle/);
  });

  it('refuses a tampered HAR, naming the field, in replay, calibrate and verify --from-har', async () => {
    const tampered = JSON.parse(await readFile(harPath, 'utf8')) as { log: { entries: { response: { status: unknown } }[] } };
    (tampered.log.entries[2] as { response: { status: unknown } }).response.status = '200';
    const badPath = join(dir, 'tampered.har');
    await writeFile(badPath, JSON.stringify(tampered));
    for (const argv of [['serve', '--replay', badPath, '--port', '0'], ['calibrate', badPath], ['verify', '--from-har', badPath]]) {
      const io = captureIo();
      expect(await main(argv, io)).not.toBe(0);
      expect(io.stderr()).toContain('log.entries[2].response.status must be integer');
    }
  });
});
