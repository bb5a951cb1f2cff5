import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface MemoryCheckpoint {
  creates: number;
  jobs: number;
  rssMb: number;
  heapMb: number;
  seconds: number;
}

export interface MemoryRun {
  label: string;
  maxJobs: number;
  checkpoints: MemoryCheckpoint[];
}

/** Runs the creates in a fresh child process (so the bench's own heap does not count). */
export function measureMemory(label: string, creates: number, maxJobs: number, checkpoints: readonly number[]): Promise<MemoryRun> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', fileURLToPath(new URL('./memory-child.ts', import.meta.url)), String(creates), String(maxJobs), checkpoints.join(',')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`memory child (${label}) exited with ${String(code)}:\n${err}`));
      const checkpoints = out
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as MemoryCheckpoint);
      resolve({ label, maxJobs, checkpoints });
    });
  });
}
