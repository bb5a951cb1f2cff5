#!/usr/bin/env node
// `npm start` runs this first: compiles only when a source is newer than the last build, so a start
// after `npm ci` builds once and later starts cost nothing. `npm run build` always builds from clean.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const stamp = 'dist/.tsbuildinfo';
const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};
function newest(dir) {
  let latest = -1;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : mtime(path));
  }
  return latest;
}
const built = mtime(stamp);
const sources = Math.max(newest('src'), newest('mocks'), mtime('tsconfig.json'), mtime('tsconfig.build.json'), mtime('package.json'));
if (built < 0 || sources > built) {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // tsc leaves its build info untouched when no output changed: mark this build as the latest.
  const now = new Date();
  utimesSync(stamp, now, now);
}
