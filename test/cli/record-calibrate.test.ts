import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runServe } from '../../src/cli/serve.js';
import { namedDialects } from '../../src/contract/dialects.js';
import { syntheticHar } from '../support/synthetic-har.js';

function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, stdout: () => out, stderr: () => err };
}

describe('aigw-video record, calibrate and the replay flags of serve', () => {
  it.each([
    [['record', '--out', 'x.har'], '--target (or AIGATEWAY_BASE_URL) is required'],
    [['record', '--target', 'ftp://gw.example', '--out', 'x.har'], "--target must be an http(s) URL, not 'ftp://gw.example'."],
    [['record', '--target', 'http://127.0.0.1:1/v1'], '--out is required'],
    [['record', '--target', 'http://127.0.0.1:1/v1', '--out', 'x.har', '--max-media-bytes', 'lots'], "--max-media-bytes must be an integer >= 0, not 'lots'."],
    [['calibrate'], 'needs exactly one HAR file'],
    [['calibrate', '/nonexistent/session.har'], '/nonexistent/session.har: cannot be read (ENOENT)'],
    [['verify', '--from-har', '/nonexistent/session.har'], '/nonexistent/session.har: cannot be read (ENOENT)'],
    [['serve', '--replay-latency', 'recorded'], '--replay-latency needs --replay FILE.'],
    [['serve', '--replay', 'a.har', '--profile', 'p.json'], '--replay and --profile exclude each other'],
    [['serve', '--profile', '/nonexistent/p.json', '--port', '0'], '--profile: /nonexistent/p.json: cannot be read (ENOENT)'],
  ])('rejects %j with a message naming what is wrong, and exit code 2', async (argv, message) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr()).toContain(message);
  });

  it('lists record and calibrate among the commands, each with its help', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout()).toMatch(/record +Record a gateway/);
    expect(io.stdout()).toMatch(/calibrate +Learn a gateway/);
    for (const command of ['record', 'calibrate']) {
      const help = captureIo();
      expect(await main([command, '--help'], help)).toBe(0);
      expect(help.stdout()).toContain(`Usage: aigw-video ${command}`);
    }
  });

  it('serves --replay FILE: says what it replays, answers as recorded, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aigw-serve-replay-'));
    try {
      const path = join(dir, 'session.har');
      await writeFile(path, JSON.stringify(syntheticHar(namedDialects.union)));
      const io = captureIo();
      const signals = new EventEmitter();
      const done = runServe(['--replay', path, '--port', '0', '--quiet'], io, signals);
      for (let i = 0; i < 3000 && !io.stdout().includes('Try it'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(io.stdout()).toContain(`replaying ${path}: `);
      expect(io.stdout()).not.toContain('requests/min per key');
      const url = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(io.stdout())?.[1] as string;
      const answer = await fetch(`${url}/models`, { headers: { authorization: 'Bearer sk-aig-x' } });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('x-aigw-replay')).toMatch(/^entry \d+$/);
      // The dashboard shows a simulation's state, which a replay has not: it says so instead of a broken page.
      expect(io.stdout()).toContain('dashboard:   off while replaying');
      expect(io.stdout()).toContain('control API: POST ');
      const page = await fetch(`${url.replace(/\/v1$/, '')}/__mock/ui/`);
      expect(page.status).toBe(404);
      expect(((await page.json()) as { error: { message: string } }).error.message).toContain('not available while replaying');
      signals.emit('SIGTERM');
      expect(await done).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
