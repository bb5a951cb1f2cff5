import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { namedDialects } from '../../src/contract/dialects.js';
import { verifyHar } from '../../src/verify/from-har.js';
import { formatReport } from '../../src/verify/report.js';
import { syntheticHar } from '../support/synthetic-har.js';

function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, stdout: () => out, stderr: () => err };
}
const resultOf = (report: ReturnType<typeof verifyHar>, name: string) => report.results.find((r) => r.name === name);
const bodyOf = (entry: { response: { content: { text?: string | undefined } } }): any => JSON.parse(entry.response.content.text ?? '{}');
const setBody = (entry: { response: { content: { text?: string | undefined; size: number } } }, body: unknown): void => {
  entry.response.content.text = JSON.stringify(body);
  entry.response.content.size = entry.response.content.text.length;
};

describe('verify --from-har', () => {
  it('fails lifecycle_monotonic on a recorded job that went back, naming the entry', () => {
    const har = syntheticHar(namedDialects.union);
    const polls = har.log.entries.filter((e) => e.request.method === 'GET' && e.request.url.endsWith('/v1/jobs/job_a'));
    const processing = polls.find((e) => bodyOf(e).status === 'processing');
    const index = har.log.entries.indexOf(processing as (typeof har.log.entries)[number]);
    // The job is queued again after it was processing.
    const later = har.log.entries[index + 1] as (typeof har.log.entries)[number];
    setBody(later, { ...bodyOf(later), status: 'queued' });
    const report = verifyHar(har);
    const result = resultOf(report, 'lifecycle_monotonic');
    expect(result?.status).toBe('failed');
    if (result?.status !== 'failed') return;
    expect(result.failure.message).toBe('status went back from processing to queued');
    expect(result.failure.request?.url).toBe(later.request.url);
    expect(formatReport(report)).not.toContain('replay: aigw-video verify --seed');
  });

  it('fails retry_after_on_429 on a recorded 429 without Retry-After', () => {
    const har = syntheticHar(namedDialects.union);
    const limited = har.log.entries.find((e) => e.response.status === 429) as (typeof har.log.entries)[number];
    limited.response.headers = limited.response.headers.filter((h) => h.name !== 'retry-after');
    const result = resultOf(verifyHar(har), 'retry_after_on_429');
    expect(result?.status).toBe('failed');
    expect(result?.status === 'failed' && result.failure.message).toMatch(/^entry \d+ \(GET \/v1\/jobs\/job_x -> 429\): a 429 without Retry-After$/);
  });

  it('names the dialect the recording shows, and skips what would need new requests', () => {
    const report = verifyHar(syntheticHar(namedDialects['node-sdk']));
    expect(report.dialect?.name).toBe('node-sdk');
    expect(formatReport(report)).toMatch(/Dialect: node-sdk\n/);
    expect(resultOf(report, 'model_lifecycle')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('needs new requests') });
  });

  it.each(Object.values(namedDialects))('judges a recording in the $name dialect: a cancel route it lacks as an unknown endpoint, and its fast polls as showing the fast-poll point', (dialect) => {
    const report = verifyHar(syntheticHar(dialect));
    for (const check of ['status_code_conformance', 'response_schema_conformance', 'error_type_matches_status']) expect(resultOf(report, check)?.status, check).toBe('passed');
    const lacksARoute = dialect.choices.cancel !== 'both';
    expect(resultOf(report, 'unsupported_method')?.status).toBe(lacksARoute ? 'passed' : 'skipped');
    expect(report.dialect?.name).toBe(dialect.name);
    // fast-poll is shown by polls sooner than 3 s after an answered one: a 304, or the job answered.
    const fastPoll = report.drift.find((r) => r.id === 'fast-poll');
    expect(fastPoll?.observed.length).toBeGreaterThan(0);
    expect(fastPoll?.choice).toBe(dialect.choices['fast-poll']);
  });

  it('stops on a recording whose wallet was empty: nothing judged, exit 3', async () => {
    const har = syntheticHar(namedDialects.union);
    const create = har.log.entries[0] as (typeof har.log.entries)[number];
    create.response.status = 402;
    setBody(create, { error: { message: 'Insufficient credits.', type: 'insufficient_credits', code: 'insufficient_credits', param: null } });
    const dir = await mkdtemp(join(tmpdir(), 'aigw-fromhar-'));
    try {
      const path = join(dir, 'broke.har');
      await writeFile(path, JSON.stringify(har));
      const io = captureIo();
      expect(await main(['verify', '--from-har', path], io)).toBe(3);
      expect(io.stdout()).toContain('the wallet was empty when this was recorded; nothing was judged');
      expect(io.stdout()).not.toContain('PASS');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses flags that only apply to a live run', async () => {
    const io = captureIo();
    expect(await main(['verify', '--from-har', 'x.har', '--base-url', 'http://127.0.0.1:1/v1'], io)).toBe(2);
    expect(io.stderr()).toContain('--from-har sends nothing, so --base-url does not apply.');
  });
});

describe('verify against a target whose wallet is empty', () => {
  let mock: RunningMockServer;
  beforeAll(async () => {
    mock = await startMockServer({ port: 0, timing: 'steps', creditsCents: 0 });
  });
  afterAll(() => mock.close());

  it('stops with "the wallet is empty; nothing was judged" and exit code 3, not a contract failure', async () => {
    const io = captureIo();
    const code = await main(['verify', '--base-url', mock.url, '--runs', '3', '--seed', '5'], io);
    expect(io.stdout()).toContain('the wallet is empty; nothing was judged');
    expect(io.stdout()).toContain('answered 402 insufficient_credits');
    expect(io.stdout()).not.toContain('FAIL');
    expect(io.stdout()).not.toContain('PASS');
    expect(code).toBe(3);
  });
});
