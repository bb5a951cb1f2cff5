import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { runConformanceCommand } from '../../src/cli/conformance.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';

function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    env: process.env,
    stdout: () => out,
    stderr: () => err,
  };
}

const careful = `'${process.execPath}' '${fileURLToPath(new URL('./adapters/careful-adapter.mjs', import.meta.url))}'`;
const careless = `'${process.execPath}' '${fileURLToPath(new URL('./adapters/retries-401.mjs', import.meta.url))}'`;
const dir = mkdtempSync(join(tmpdir(), 'aigw-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aigw-video conformance', () => {
  it('is listed in the command usage', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout()).toContain('conformance');
  });

  it('needs --adapter, and says so with exit code 2', async () => {
    const io = captureIo();
    expect(await main(['conformance'], io)).toBe(2);
    expect(io.stderr()).toContain('--adapter is required');
  });

  it('refuses an --only that names no scenario, listing the known ones', async () => {
    const io = captureIo();
    expect(await main(['conformance', '--adapter', 'reference', '--only', 'no-such-thing'], io)).toBe(2);
    expect(io.stderr()).toContain('no scenario named no-such-thing');
    expect(io.stderr()).toContain('happy-path');
  });

  it('lists the scenarios with --list', async () => {
    const io = captureIo();
    expect(await main(['conformance', '--list'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^rate-limited-create\s+429 on create with Retry-After: 2$/m);
  });

  it('exits 0 and writes a passing JUnit report when the chosen scenarios pass', async () => {
    const io = captureIo();
    const junit = join(dir, 'pass.xml');
    const code = await main(['conformance', '--adapter', careful, '--only', 'unknown-job,unauthorized', '--junit', junit], io);
    expect(code, io.stdout()).toBe(0);
    expect(io.stdout()).toContain('PASS unknown-job');
    expect(io.stdout()).toContain('2 of 2 scenarios passed, 0 failed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="aigw-video conformance" tests="2" failures="0"');
    expect(xml).toContain('name="unauthorized"');
  }, 60_000);

  it('refuses a --repeat that is not a whole number of runs from 1, with exit code 2', async () => {
    const io = captureIo();
    expect(await main(['conformance', '--adapter', 'reference', '--repeat', '0'], io)).toBe(2);
    expect(io.stderr()).toContain('--repeat must be an integer from 1 to 1000');
  });

  it('runs each chosen scenario --repeat times and says how many runs passed', async () => {
    const io = captureIo();
    const code = await main(['conformance', '--adapter', careful, '--only', 'unauthorized', '--repeat', '2'], io);
    expect(code, io.stdout()).toBe(0);
    expect(io.stderr()).toContain('pass unauthorized (2 of 2 runs passed)');
    expect(io.stdout()).toMatch(/PASS unauthorized: 401 is not retried \(2 runs, [\d.]+ s median\)/);
    expect(io.stdout()).toContain('1 of 1 scenario passed all 2 runs, 0 failed');
    expect(io.stdout()).toContain('flaky rules: none');
  }, 60_000);

  it('stops the adapters on SIGINT and reports what ran, with exit code 130', async () => {
    const io = captureIo();
    const signals = new EventEmitter();
    const hang = `'${process.execPath}' -e 'setInterval(() => {}, 1000)'`;
    const exit = runConformanceCommand(['--adapter', hang, '--only', 'happy-path'], io, signals);
    setTimeout(() => signals.emit('SIGINT'), 500);
    expect(await exit).toBe(130);
    expect(io.stdout()).toContain('FAIL happy-path');
    expect(io.stdout()).toContain('adapter: exit code null (SIGKILL)');
    expect(io.stderr()).toContain('interrupted');
  }, 60_000);

  it('exits 1 and reports the failed rule with its timeline when a scenario fails', async () => {
    const io = captureIo();
    const junit = join(dir, 'fail.xml');
    const code = await main(['conformance', '--adapter', careless, '--only', 'unauthorized', '--junit', junit], io);
    expect(code).toBe(1);
    const report = io.stdout();
    expect(report).toContain('FAIL unauthorized');
    expect(report).toContain('FAIL rule 401-not-retried');
    expect(report).toMatch(/createVideo requests: [2-9] \(needs exactly 1\)/);
    expect(report).toMatch(/POST \/v1\/videos\/generations\s+401/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<failure message="401-not-retried: createVideo requests: \d \(needs exactly 1\): #1 createVideo 401, #2 createVideo 401[^"]*" type="RuleFailed">/);
  }, 60_000);

  it('runs the reference client against the mock in every named dialect with --dialect all, reporting per dialect', async () => {
    const io = captureIo();
    const junit = join(dir, 'dialects.xml');
    // The scenarios where a dialect point shows: the result's place and the status names (happy-path),
    // the failed job's error (failed-job), the 401 and 429 types, the 304 to polls under 3 s (slow-job, happy-path).
    const only = 'happy-path,failed-job,unauthorized,rate-limited-poll,slow-job';
    const code = await main(['conformance', '--adapter', 'reference', '--dialect', 'all', '--only', only, '--concurrency', '5', '--junit', junit], io);
    expect(code, io.stdout()).toBe(0);
    for (const name of ['union', 'model-page', 'node-sdk', 'docs', 'published-spec']) {
      expect(io.stdout()).toContain(`the mock in the ${name} dialect`);
      expect(io.stdout()).toMatch(new RegExp(`PASS  ${name}\\s+5 of 5 scenarios passed`));
    }
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="aigw-video conformance" tests="25" failures="0"');
    expect(xml).toContain('<testsuite name="conformance: reference (docs)"');
  }, 240_000);

  it('refuses a --dialect it cannot read, naming the point and its choices', async () => {
    const io = captureIo();
    expect(await main(['conformance', '--adapter', 'reference', '--dialect', 'docs,fast-poll=never'], io)).toBe(2);
    expect(io.stderr()).toContain("--dialect docs,fast-poll=never: fast-poll=never: 'never' is not a choice of fast-poll; choices: 304, none");
  });
});
