import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { freePort } from '../../src/prism/start-prism.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { mutants } from '../mutants/mutants.js';
import { TEST_KEY, virtualClock } from './targets.js';

function captureIo(env: Record<string, string | undefined> = {}): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env, stdout: () => out, stderr: () => err };
}

const SEED = '7';
const RUNS = '3';

describe('aigw-video verify', () => {
  let mock: RunningMockServer;
  let broken: RunningMockServer;
  let dir: string;
  /** A loopback URL where nothing listens (a port that was free a moment ago): not the mock. */
  let nobody: string;
  beforeAll(async () => {
    nobody = `http://127.0.0.1:${await freePort()}/v1`;
    mock = await startMockServer({ port: 0, log: null, now: virtualClock().now });
    const mutant = mutants.find((m) => m.name === 'completed-without-result-url');
    if (mutant === undefined) throw new Error('mutant completed-without-result-url is missing');
    broken = await startMockServer({ port: 0, log: null, simulation: mutant.mutate(createSimulation({ now: virtualClock().now })) });
    dir = await mkdtemp(join(tmpdir(), 'aigw-verify-'));
  });
  afterAll(async () => {
    await mock?.close();
    await broken?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 against a running mock and writes JUnit and JSON reports without the key', async () => {
    const io = captureIo();
    const junit = join(dir, 'report.xml');
    const json = join(dir, 'report.json');
    const code = await main(['verify', '--base-url', mock.url, '--api-key', TEST_KEY, '--runs', RUNS, '--seed', SEED, '--junit', junit, '--json', json], io);
    expect(code, io.stdout()).toBe(0);
    expect(io.stdout()).toContain('PASS  lifecycle_monotonic');
    expect(io.stdout()).toContain('Drift:');
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('<testsuites');
    expect(xml).toContain('failures="0"');
    const report = JSON.parse(await readFile(json, 'utf8')) as { seed: number; results: unknown[] };
    expect(report.seed).toBe(Number(SEED));
    for (const text of [io.stdout(), io.stderr(), xml, JSON.stringify(report)]) expect(text).not.toContain(TEST_KEY);
  });

  it('exits 1 against a mutant, naming the failed check, its counterexample and the seed', async () => {
    const io = captureIo({ AIGATEWAY_BASE_URL: broken.url, AIGATEWAY_API_KEY: TEST_KEY });
    const code = await main(['verify', '--runs', RUNS, '--seed', SEED], io);
    expect(code).toBe(1);
    expect(io.stdout()).toContain('FAIL  completed_has_result');
    expect(io.stdout()).toContain('a completed job has no result.url');
    expect(io.stdout()).toContain(`--seed ${SEED}`);
    expect(io.stdout()).not.toContain(TEST_KEY);
  });

  it("counts prism proxy's violations as failures with --via-prism", async () => {
    const io = captureIo();
    const code = await main(['verify', '--base-url', broken.url, '--api-key', TEST_KEY, '--runs', '3', '--seed', SEED, '--via-prism'], io);
    expect(code).toBe(1);
    expect(io.stdout()).toContain('FAIL  prism_proxy_validation');
    expect(io.stdout()).toContain("required property 'url'");
  });

  it('prints the plan and its cost on --dry-run, without creating a job', async () => {
    const io = captureIo();
    const jobsBefore = (await mock.simulation.jobs()).length;
    const code = await main(['verify', '--base-url', mock.url, '--dry-run'], io);
    expect(code).toBe(0);
    expect(io.stdout()).toContain('Nothing was sent (dry run)');
    expect(await mock.simulation.jobs()).toHaveLength(jobsBefore);
  });

  it('asks for a key when the target is not the mock', async () => {
    const io = captureIo();
    const code = await main(['verify', '--base-url', nobody], io);
    expect(code).toBe(2);
    expect(io.stderr()).toContain('--api-key');
  });

  it('plans a run against a target that is not the mock without needing its key', async () => {
    const io = captureIo();
    const code = await main(['verify', '--base-url', nobody, '--dry-run', '--max-spend', '0.30'], io);
    expect(code).toBe(0);
    expect(io.stdout()).toContain('--max-spend $0.30');
  });

  it('refuses a run without a base URL', async () => {
    const io = captureIo();
    expect(await main(['verify'], io)).toBe(2);
    expect(io.stderr()).toContain('--base-url');
  });
});
