// The package as users get it: packed, installed from the tarball into projects of their own (outside
// this repository, so nothing resolves from our node_modules), then used the documented ways.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuildIsFresh, filesUnder } from './build-freshness.js';
import { snippetFileName, typescriptSnippets, type Snippet } from './markdown-snippets.js';
import { runCommand, shown, succeed, userEnv, type Ran } from './run-command.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const consumerFixtures = fileURLToPath(new URL('./consumer', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };

// Installs and type checks on a loaded 2-core machine: generous bounds, for hangs only.
const INSTALL_MS = 300_000;
const COMMAND_MS = 180_000;

const run = (command: string, args: readonly string[], cwd: string): Promise<Ran> => runCommand(command, args, cwd, COMMAND_MS);

const lockedVersion = (name: string): string => {
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (version === undefined) throw new Error(`${name} is not in package-lock.json`);
  return version;
};

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

const sizeOf = (dir: string): number => filesUnder(dir).reduce((sum, file) => sum + statSync(file).size, 0);

/** The packages a node_modules holds, scoped ones as `@scope/name`. */
const packagesIn = (modules: string): string[] =>
  readdirSync(modules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => (name.startsWith('@') ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`) : [name]));

/** The TypeScript blocks of the README and of every page under docs/. */
const documentedSnippets = (): Snippet[] =>
  ['README.md', ...readdirSync(join(repo, 'docs'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)].flatMap(
    (file) => typescriptSnippets(repo, file),
  );

function newProject(dir: string): string {
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: basename(dir), version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  return dir;
}

const npmInstall = (project: string, specs: readonly string[]): Promise<Ran> =>
  succeed('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], project, INSTALL_MS);

// Our TypeScript and vitest, the tools, run over the user's project: every import of the user's code
// (this package, msw, express, their types) resolves from the project's own node_modules.
const tsc = (project: string, config: string): Promise<Ran> => run(join(repo, 'node_modules', '.bin', 'tsc'), ['-p', config], project);
const vitest = (project: string): Promise<Ran> => run(join(repo, 'node_modules', '.bin', 'vitest'), ['run', '--root', project], project);

/** The CLI as a user of the package alone runs it; started together, judged one by one. */
function startCliRuns(project: string) {
  const cli = (...args: string[]): Promise<Ran> => run(join(project, 'node_modules', '.bin', 'aigw-video'), args, project);
  return {
    version: run('npx', ['aigw-video', '--version'], project),
    verifyHelp: cli('verify', '--help'),
    conformance: cli('conformance', '--adapter', 'reference', '--only', 'happy-path'),
    openaiMissing: cli('conformance', '--adapter', 'openai', '--only', 'happy-path'),
    prismMissing: cli('verify', '--base-url', 'http://127.0.0.1:9/v1', '--api-key', 'sk-aig-x', '--via-prism'),
    ioredisMissing: cli('serve', '--port', '0', '--store', 'redis://127.0.0.1:9/0'),
  };
}

/** Writes the user's files (every entry imported, the documented snippets, a vitest file), then starts the checks. */
function startAdapterChecks(project: string) {
  cpSync(consumerFixtures, project, { recursive: true });
  const entries = Object.keys(manifest.exports).map((subpath) => `${manifest.name}${subpath.slice(1)}`);
  writeFileSync(
    join(project, 'every-entry.ts'),
    [
      '// Every subpath export of the package.',
      ...entries.map((entry, i) => (entry.endsWith('.json') ? `import entry${i} from '${entry}' with { type: 'json' };` : `import * as entry${i} from '${entry}';`)),
      `export const entries = [${entries.map((_, i) => `entry${i}`).join(', ')}];`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(project, 'snippets'));
  const snippets = documentedSnippets();
  for (const snippet of snippets) {
    // `export {}` makes each block a module of its own, as a file pasted from the README would be.
    writeFileSync(join(project, 'snippets', snippetFileName(snippet)), `${snippet.code}\nexport {};\n`);
  }
  const imports = entries.filter((entry) => !entry.endsWith('.json')).map((entry) => `await import('${entry}');`);
  return {
    snippets,
    typesOfEntries: tsc(project, 'tsconfig.json'),
    typesOfSnippets: tsc(project, 'tsconfig.snippets.json'),
    importsOfEntries: run(process.execPath, ['--input-type=module', '--eval', imports.join('\n')], project),
    vitest: vitest(project),
  };
}

// The tests wait for what was started in beforeAll: their bound covers an install and a command.
describe(`${manifest.name}, packed and installed from the tarball`, { timeout: INSTALL_MS + COMMAND_MS }, () => {
  let work = '';
  // Two projects, installed side by side: one with the package alone, as a user of the client or the
  // CLI has it; one with msw, express (and its types), openai and ioredis beside it, as a user of the adapters has it.
  let alone = '';
  let aloneInstall: Ran;
  let cli: ReturnType<typeof startCliRuns> | undefined;
  let adapterChecks: Promise<ReturnType<typeof startAdapterChecks>> | undefined;

  beforeAll(async () => {
    assertBuildIsFresh();
    work = mkdtempSync(join(tmpdir(), 'aigw-video-kit-package-'));
    const pack = await succeed('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repo, COMMAND_MS);
    const [packed] = JSON.parse(pack.stdout) as [{ filename: string; size: number; unpackedSize: number; entryCount: number }];
    const tarball = join(work, packed.filename);
    alone = newProject(join(work, 'alone'));
    const withAdapters = newProject(join(work, 'with-adapters'));
    const installAlone = npmInstall(alone, [tarball]);
    // The versions this repository tests with, which `npm ci` put in the npm cache.
    const adapters = ['msw', 'express', '@types/express', '@types/node', 'openai', 'ioredis'].map((name) => `${name}@${lockedVersion(name)}`);
    adapterChecks = npmInstall(withAdapters, [tarball, ...adapters]).then(() => startAdapterChecks(withAdapters));
    adapterChecks.catch(() => undefined); // judged by the tests that need it
    aloneInstall = await installAlone;
    cli = startCliRuns(alone);
    const modules = join(alone, 'node_modules');
    console.log(
      [
        `${packed.filename}: ${megabytes(packed.size)} packed, ${megabytes(packed.unpackedSize)} unpacked, ${packed.entryCount} files`,
        `installed alone: ${megabytes(sizeOf(modules))} in node_modules (${manifest.name} itself ${megabytes(sizeOf(join(modules, manifest.name)))}; ${packagesIn(modules).join(', ')})`,
      ].join('\n'),
    );
  }, INSTALL_MS + COMMAND_MS);

  afterAll(async () => {
    // Nothing may still write into the directory being removed.
    const checks = await adapterChecks?.catch(() => undefined);
    await Promise.all([...Object.values(cli ?? {}), ...Object.values(checks ?? {}).filter((value) => value instanceof Promise)]);
    if (work !== '') rmSync(work, { recursive: true, force: true });
  }, INSTALL_MS);

  describe('installed alone, as a user of the client or the CLI has it', () => {
    const started = (): ReturnType<typeof startCliRuns> => {
      if (cli === undefined) throw new Error('the package was not installed');
      return cli;
    };

    it('installs without a warning about our scripts or an engine our dependencies need, and without the optional peers (msw, express, openai, ...)', () => {
      expect(aloneInstall.stdout + aloneInstall.stderr).not.toContain(`${manifest.name}@`);
      // Every dependency runs on the Node versions the package declares (engines).
      expect(aloneInstall.stdout + aloneInstall.stderr).not.toContain('EBADENGINE');
      const installed = packagesIn(join(alone, 'node_modules'));
      expect(installed).toContain(manifest.name);
      for (const peer of Object.keys(manifest.peerDependencies)) expect(installed).not.toContain(peer);
    });

    it('ships source maps whose sources are shipped too', () => {
      const root = join(alone, 'node_modules', manifest.name);
      const maps = filesUnder(join(root, 'dist')).filter((file) => file.endsWith('.map'));
      expect(maps.length).toBeGreaterThan(0);
      const missing = maps.flatMap((map) => {
        const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
        return sources
          .map((source) => resolve(dirname(map), source))
          .filter((source) => !existsSync(source))
          .map((source) => `${relative(root, map)} -> ${relative(root, source)}`);
      });
      expect(missing).toEqual([]);
    });

    it('answers `npx aigw-video --version` with the package version', async () => {
      const ran = await started().version;
      expect(ran.code, shown(ran)).toBe(0);
      expect(ran.stdout).toBe(`${manifest.version}\n`);
    });

    it('serves the mock on a free port, which answers a create, and stops on SIGTERM', async () => {
      const child = spawn(join(alone, 'node_modules', '.bin', 'aigw-video'), ['serve', '--port', '0'], { cwd: alone, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.once('close', done));
      try {
        let url: string | undefined;
        for (let waited = 0; url === undefined; waited += 50) {
          if (child.exitCode !== null || waited > COMMAND_MS) throw new Error(`aigw-video serve did not start:\n${output}`);
          url = /mock of the AIgateway video API at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(output)?.[1];
          await new Promise((r) => setTimeout(r, 50));
        }
        const headers = { Authorization: 'Bearer sk-aig-package-test', 'Content-Type': 'application/json' };
        const created = await fetch(`${url}/videos/generations`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake', duration: 1 }),
        });
        expect(created.status).toBe(202);
        const job = (await created.json()) as { id: string; status: string };
        expect(job.status).toBe('queued');
        expect((await fetch(`${url}/jobs/${job.id}`, { headers })).status).toBe(200);
        // The dashboard ships in the package and its libraries resolve from the installed dependencies.
        const dashboard = /dashboard: +(http:\/\/\S+)/.exec(output)?.[1];
        for (const file of ['', 'app.js', 'vendor/preact.js', 'vendor/htm.js', 'vendor/eventsource-parser/index.js']) {
          expect((await fetch(`${dashboard}${file}`)).status, `${dashboard}${file}`).toBe(200);
        }
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited, output).toBe(0);
    });

    it('prints the options of `verify --help`', async () => {
      const ran = await started().verifyHelp;
      expect(ran.code, shown(ran)).toBe(0);
      expect(ran.stdout).toContain('Usage: aigw-video verify --base-url URL');
    });

    it('passes `conformance --adapter reference --only happy-path`', async () => {
      const ran = await started().conformance;
      expect(ran.code, shown(ran)).toBe(0);
      expect(ran.stderr).toContain('pass happy-path');
    });

    it('names the package to install when an optional one is missing: openai, Prism, ioredis', async () => {
      const openai = await started().openaiMissing;
      expect(openai.code, shown(openai)).toBe(1);
      expect(openai.stderr).toContain('npm install openai');
      const prism = await started().prismMissing;
      expect(prism.code, shown(prism)).toBe(1);
      expect(prism.stderr).toContain('npm install --save-dev @stoplight/prism-cli');
      const ioredis = await started().ioredisMissing;
      expect(ioredis.code, shown(ioredis)).toBe(1);
      expect(ioredis.stderr).toContain('npm install ioredis@6');
    });
  });

  describe('beside msw, express, openai and ioredis, as a user of the adapters has it', () => {
    const checks = async (): Promise<ReturnType<typeof startAdapterChecks>> => {
      if (adapterChecks === undefined) throw new Error('the package was not packed');
      return adapterChecks;
    };

    it('type-checks a file importing every subpath export (strict, NodeNext, no skipLibCheck)', async () => {
      const ran = await (await checks()).typesOfEntries;
      expect(ran.stdout + ran.stderr).toBe('');
      expect(ran.code).toBe(0);
    });

    it('type-checks every TypeScript block of the README and docs/ (strict, NodeNext)', async () => {
      const { snippets, typesOfSnippets } = await checks();
      expect(snippets.map((snippet) => snippet.file)).toContain('README.md');
      const ran = await typesOfSnippets;
      expect(ran.stdout + ran.stderr).toBe('');
      expect(ran.code).toBe(0);
    });

    it('imports every subpath export at run time', async () => {
      const ran = await (await checks()).importsOfEntries;
      expect(ran.code, shown(ran)).toBe(0);
    });

    it("runs a user's vitest file against the MSW handlers: create, wait, download, a forced error", async () => {
      const ran = await (await checks()).vitest;
      expect(ran.code, shown(ran)).toBe(0);
      expect(ran.stdout).toMatch(/Tests\s+2 passed/);
    });
  });
});
