// Profiles `aigw-video serve` under the bench's GET load: node --cpu-prof, autocannon, SIGINT.
// Usage: npx tsx bench/profile-server.ts [seconds] [get|post] [dir] [serve flags...]  -> prints the profile's path.
// With `--store redis://...` among the flags it profiles the Redis-backed mock (start a redis-server first).
import { readdirSync } from 'node:fs';
import { spawnServer } from './child-server.js';
import { cliBin } from './http-targets.js';
import { existingJobId, measure } from './http-load.js';

const [seconds = '8', scenario = 'get', dir = '/tmp/aigw-video-profile', ...flags] = process.argv.slice(2);
const server = await spawnServer(
  ['--cpu-prof', `--cpu-prof-dir=${dir}`, cliBin, 'serve', '--port', '0', '--quiet', '--rpm', '1000000000', '--credits', '1000000', ...flags],
  /API at (http:\/\/127\.0\.0\.1:\d+)\/v1/,
);
const jobId = await existingJobId(server.origin);
const result = await measure({ name: 'aigw-video serve', origin: server.origin }, scenario === 'post' ? 'POST /v1/videos/generations' : 'GET /v1/jobs/{id}', jobId, Number(seconds), 1);
process.stdout.write(`${result.requestsPerSecond} req/s, p99 ${result.p99Ms} ms\n`);
await new Promise<void>((done) => {
  server.child.once('exit', () => done());
  server.child.kill('SIGINT');
});
process.stdout.write(`${readdirSync(dir).map((f) => `${dir}/${f}`).join('\n')}\n`);
