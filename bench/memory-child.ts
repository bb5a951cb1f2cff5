// Child process of the memory bench: N creates through the core, RSS at checkpoints.
// argv: <creates> <maxJobs> <checkpoints, comma-separated>; prints one JSON line per checkpoint.
import { createSimulation } from '../src/sim/simulation.js';
import { BENCH_KEY, createBody } from './http-load.js';

const [creates = 100_000, maxJobs = 10_000] = process.argv.slice(2, 4).map(Number);
const checkpoints = new Set((process.argv[4] ?? String(creates)).split(',').map(Number));
const gc = (globalThis as { gc?: () => void }).gc;
// As the server runs it without a state file.
const simulation = createSimulation({ creditsCents: 1e15, rpm: 1e12, maxJobs });
const body = new TextEncoder().encode(createBody);
const request = { method: 'POST', url: '/v1/videos/generations', headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' }, body, origin: 'http://127.0.0.1:4010' };
const started = performance.now();
for (let i = 1; i <= creates; i++) {
  const response = await simulation.handle(request);
  if (response.status !== 202) throw new Error(`create ${i} answered ${response.status}`);
  if (checkpoints.has(i)) {
    gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(
      `${JSON.stringify({ creates: i, jobs: (await simulation.jobs()).length, rssMb: Math.round(rss / 1e5) / 10, heapMb: Math.round(heapUsed / 1e5) / 10, seconds: Math.round((performance.now() - started) / 100) / 10 })}\n`,
    );
  }
}
