import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runServe, serveOptions } from '../../src/cli/serve.js';
import type { CliIo } from '../../src/cli/cli-io.js';

function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, stdout: () => out, stderr: () => err };
}

describe('aigw-video serve', () => {
  it('turns its flags into server options', () => {
    expect(
      serveOptions(['--port', '0', '--timing', 'steps', '--seed', '7', '--credits', '2.5', '--rpm', '10', '--failure-rate', '0.1', '--latency', 'getJob=fixed:20', '--api-keys', 'sk-aig-a,sk-aig-b', '--webhook-secret', 'whsec_1', '--webhooks-any-host', '--quiet']),
    ).toEqual({
      port: 0,
      timing: 'steps',
      seed: 7,
      creditsCents: 250,
      rpm: 10,
      failureRate: 0.1,
      latency: { getJob: { kind: 'fixed', ms: 20 } },
      apiKeys: ['sk-aig-a', 'sk-aig-b'],
      webhooks: { secret: 'whsec_1', anyHost: true },
      log: null,
    });
  });

  it.each([
    [['--rpm', 'lots'], "--rpm must be an integer >= 1, not 'lots'."],
    [['--timing', 'fast'], "--timing must be one of realtime, steps, not 'fast'."],
    [['--failure-rate', '2'], "--failure-rate must be a number from 0 to 1, not '2'."],
    [['--latency', 'slow'], "--latency: 'slow' is not a latency profile"],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('rejects %j with a message naming the flag, and exit code 2', async (args, message) => {
    const io = captureIo();
    expect(await main(['serve', ...args], io)).toBe(2);
    expect(io.stderr()).toContain(message);
    expect(io.stderr()).toContain('aigw-video serve --help');
  });

  it('prints the base URL and a ready-to-paste curl, serves, and stops on SIGTERM', async () => {
    const io = captureIo();
    const signals = new EventEmitter();
    const done = runServe(['--port', '0', '--quiet'], io, signals);
    for (let i = 0; i < 200 && !io.stdout().includes('curl'); i++) await new Promise((r) => setTimeout(r, 10));
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(io.stdout())?.[1];
    expect(url).toBeDefined();
    expect(io.stdout()).toContain(`curl -s ${url}/videos/generations`);
    const health = await fetch(`${url?.replace(/\/v1$/, '')}/__mock/health`);
    expect(health.status).toBe(200);
    const dashboard = /dashboard: +(http:\/\/\S+)/.exec(io.stdout())?.[1];
    expect(dashboard).toBe(`${url?.replace(/\/v1$/, '')}/__mock/ui/`);
    expect((await fetch(dashboard as string)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });
});
