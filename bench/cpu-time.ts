import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time (user + system) a process has used so far, in microseconds, from /proc (0 once it is gone). */
export function cpuUsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return 0;
  }
}

/** The process and its children (the workers of `serve --workers`). */
export function processTree(pid: number): number[] {
  try {
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
    return [pid, ...children];
  } catch {
    return [pid];
  }
}

/** CPU time used so far by these processes together, in microseconds. */
export const cpuUsOfAll = (pids: readonly number[]): number => pids.reduce((sum, pid) => sum + cpuUsOf(pid), 0);

/** This process's own CPU time (autocannon runs here), in microseconds. */
export function ownCpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
