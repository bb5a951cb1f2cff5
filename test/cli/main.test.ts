import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { commands } from '../../src/cli/commands.js';
import { main } from '../../src/cli/main.js';

function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, stdout: () => out, stderr: () => err };
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('aigw-video', () => {
  it.each([['--version'], ['-v'], ['version']])('prints the package version for %s, and exits 0', async (flag) => {
    const io = captureIo();
    expect(await main([flag], io)).toBe(0);
    expect(io.stdout()).toBe(`${pkg.version}\n`);
    expect(io.stderr()).toBe('');
  });

  it('lists every command of the table with its summary, and --version, in --help', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const [name, command] of Object.entries(commands)) expect(io.stdout()).toMatch(new RegExp(`^  ${name} +${command.summary.replace(/[()]/g, '\\$&')}$`, 'm'));
    expect(io.stdout()).toMatch(/^ {2}-v, --version +the version of aigw-video-kit$/m);
  });

  it('prints the usage and exits 2 without a command', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(2);
    expect(io.stdout()).toContain('Usage: aigw-video <command>');
  });

  it.each([['bogus'], ['toString'], ['__proto__']])("refuses the unknown command '%s' with the usage, exit 2", async (name) => {
    const io = captureIo();
    expect(await main([name], io)).toBe(2);
    expect(io.stderr()).toContain(`unknown command '${name}'`);
    expect(io.stderr()).toContain('Usage: aigw-video <command>');
  });
});
