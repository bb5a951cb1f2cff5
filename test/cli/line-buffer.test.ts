import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferLines } from '../../src/cli/line-buffer.js';

const turn = (): Promise<void> => new Promise((done) => setImmediate(done));

describe('the log lines of serve', () => {
  it('are written together at the end of the turn that logged them, in the order they came', async () => {
    const writes: string[] = [];
    const lines = bufferLines((text) => writes.push(text));
    lines.add('one');
    lines.add('two');
    expect(writes).toEqual([]);
    await turn();
    lines.add('three');
    await turn();
    expect(writes).toEqual(['one\ntwo\n', 'three\n']);
    lines.close();
  });

  it('are all written on flush and on close, and after close each line at once', async () => {
    const writes: string[] = [];
    const lines = bufferLines((text) => writes.push(text));
    lines.add('a');
    lines.flush();
    lines.add('b');
    lines.close();
    expect(writes).toEqual(['a\n', 'b\n']);
    lines.add('c');
    expect(writes).toEqual(['a\n', 'b\n', 'c\n']);
    await turn();
    expect(writes).toEqual(['a\n', 'b\n', 'c\n']);
  });

  it('kept when the process dies of an uncaught error are still written', () => {
    const module = fileURLToPath(new URL('../../src/cli/line-buffer.ts', import.meta.url));
    const script = `
      const { bufferLines } = await import(${JSON.stringify(module)});
      const lines = bufferLines((text) => process.stdout.write(text));
      lines.add('first');
      lines.add('last');
      throw new Error('a bug');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(1);
    expect(child.stdout).toBe('first\nlast\n');
  });
});
