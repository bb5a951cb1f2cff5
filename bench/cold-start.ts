import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultSpecPath, freePort } from '../src/prism/start-prism.js';
import { stopChild } from './child-server.js';
import { cliBin } from './http-targets.js';
import { BENCH_KEY, createBody } from './http-load.js';

export interface ColdStart {
  target: string;
  runsMs: number[];
  medianMs: number;
}

/** The Prism CLI's script, launched with node directly (not through npx), like our bin. */
export function prismBinPath(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@stoplight/prism-cli/package.json');
  const manifest = require(manifestPath) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin['prism'];
  if (bin === undefined) throw new Error('@stoplight/prism-cli has no prism bin');
  return join(dirname(manifestPath), bin);
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Time from spawn to the first 2xx answer to a create, polling every 5 ms. */
async function once(args: (port: number) => string[]): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args(port), { stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${args(port).join(' ')} exited with ${child.exitCode}`);
      if (performance.now() - started > 60_000) throw new Error(`${args(port).join(' ')} did not answer within 60 s`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v1/videos/generations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
          body: createBody,
        });
        await response.arrayBuffer();
        if (response.status >= 200 && response.status < 300) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await stopChild(child, 'SIGKILL');
  }
}

/** Cold start of `aigw-video serve` and `prism mock`, alternating, `runs` times each. */
export async function measureColdStarts(runs: number): Promise<ColdStart[]> {
  const ours: number[] = [];
  const prism: number[] = [];
  const prismBin = prismBinPath();
  for (let i = 0; i < runs; i++) {
    ours.push(await once((port) => [cliBin, 'serve', '--port', String(port), '--quiet']));
    prism.push(await once((port) => [prismBin, 'mock', '-h', '127.0.0.1', '-p', String(port), defaultSpecPath()]));
  }
  const round = (ms: number): number => Math.round(ms);
  return [
    { target: 'aigw-video serve', runsMs: ours.map(round), medianMs: round(median(ours)) },
    { target: 'prism mock', runsMs: prism.map(round), medianMs: round(median(prism)) },
  ];
}
