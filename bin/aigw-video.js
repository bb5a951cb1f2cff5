#!/usr/bin/env node
// The package bin: runs the compiled CLI (shipped in the package; in a clone, `npm run build` makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('aigw-video: the CLI is not built yet. Run `npm run build` (npm start and npm test do it for you).\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
