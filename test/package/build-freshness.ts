import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Tests of the built package use dist/ as `npm test` built it moments ago (building again would
 * rewrite dist/ under the other test files' feet). A dist/ older than a source is stale code, so
 * those tests fail rather than pass on it.
 */
export function assertBuildIsFresh(): void {
  const outputs = existsSync(join(repo, 'dist')) ? filesUnder(join(repo, 'dist')) : [];
  if (outputs.length === 0) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const sources = [...filesUnder(join(repo, 'src')), ...filesUnder(join(repo, 'mocks')), join(repo, 'tsconfig.json'), join(repo, 'tsconfig.build.json')];
  const newer = sources.find((file) => statSync(file).mtimeMs > built);
  if (newer !== undefined) throw new Error(`dist/ is older than ${relative(repo, newer)}: run \`npm run build\` first (npm test does)`);
}
