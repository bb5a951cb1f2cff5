// What each command loads: `--help` and `serve` start fast because they import only what they use.
// Runs the built bin (npm test builds first) with a module hook that logs every module loaded.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuildIsFresh } from '../package/build-freshness.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'bin', 'aigw-video.js');
const logs = mkdtempSync(join(tmpdir(), 'aigw-video-modules-'));
afterAll(() => rmSync(logs, { recursive: true, force: true }));

// ES modules through a load hook (imported CommonJS too); modules `require`d from CommonJS through
// require.cache at exit.
const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.AIGW_MODULE_LOG, url + '\\n');
  return next(url, context);
}`;
const preload = `import { createRequire, register } from 'node:module';
import { appendFileSync } from 'node:fs';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
const { cache } = createRequire(process.cwd() + '/');
process.on('exit', () => appendFileSync(process.env.AIGW_MODULE_LOG, Object.keys(cache).join('\\n') + '\\n'));`;

interface Loaded {
  /** Paths relative to the repository, or the URL when it is not a file. */
  modules: string[];
  /** The packages under node_modules those modules belong to. */
  packages: string[];
  output: string;
}

/** Runs `aigw-video ...args`; `whileRunning` gets the output so far and may stop the process. */
async function load(args: string[], whileRunning?: (output: () => string, stop: () => void) => Promise<void>): Promise<Loaded> {
  const log = join(logs, `${args.join('_').replace(/\W+/g, '_')}.log`);
  const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, bin, ...args], {
    cwd: repo,
    env: { ...process.env, AIGW_MODULE_LOG: log },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('close', done));
  await whileRunning?.(() => output, () => child.kill('SIGTERM'));
  expect(await exited, output).toBe(0);
  const root = pathToFileURL(repo).href;
  const modules = [...new Set(readFileSync(log, 'utf8').split('\n').filter((line) => line !== ''))].map((entry) => {
    const url = entry.startsWith('/') ? pathToFileURL(entry).href : entry;
    return url.startsWith(root) ? url.slice(root.length) : url;
  });
  const packages = [...new Set(modules.flatMap((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? []))];
  return { modules, packages, output };
}

const ours = (loaded: Loaded): string[] => loaded.modules.filter((path) => path.startsWith('dist/'));

describe('the modules each command loads', () => {
  beforeAll(assertBuildIsFresh);

  it('loads no dependency and no command for --help and --version', async () => {
    for (const flag of ['--help', '--version']) {
      const loaded = await load([flag]);
      expect(loaded.packages).toEqual([]);
      expect(ours(loaded).sort()).toEqual(['dist/src/cli/cli-io.js', 'dist/src/cli/commands.js', 'dist/src/cli/main.js', 'dist/src/client/version.js']);
    }
  });

  it('loads neither the server nor any dependency for serve --help', async () => {
    const loaded = await load(['serve', '--help']);
    expect(loaded.output).toContain('Usage: aigw-video serve');
    expect(loaded.packages).toEqual([]);
    expect(ours(loaded).filter((path) => path.startsWith('dist/mocks/') || path.startsWith('dist/src/sim/'))).toEqual([]);
  });

  it('serves a create without loading what only verify, conformance or the adapters need', async () => {
    const loaded = await load(['serve', '--port', '0', '--quiet'], async (output, stop) => {
      let url: string | undefined;
      for (let waited = 0; url === undefined; waited += 20) {
        if (waited > 60_000) throw new Error(`serve did not start:\n${output()}`);
        url = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(output())?.[1];
        await new Promise((r) => setTimeout(r, 20));
      }
      const created = await fetch(`${url}/videos/generations`, {
        method: 'POST',
        headers: { Authorization: 'Bearer sk-aig-loading', 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'p' }),
      });
      expect(created.status).toBe(202);
      stop();
    });
    expect(loaded.packages.filter((name) => ['fast-check', 'pure-rand', 'express', 'msw', 'openai', '@stoplight/prism-cli'].includes(name))).toEqual([]);
    expect(ours(loaded).filter((path) => /^dist\/(src\/(verify|conformance|prism)\/|mocks\/(express|msw)\.js)/.test(path))).toEqual([]);
    expect(ours(loaded)).toContain('dist/mocks/node-http.js');
  });
});
