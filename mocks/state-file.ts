import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Change } from '../src/sim/state.js';
import type { Simulation } from '../src/sim/simulation.js';

export interface StateLog {
  /** Appends what the simulation changed since the last call; synchronous, so a kill -9 loses nothing answered. */
  persist(): void;
  path: string;
}

/**
 * Keeps a simulation's jobs and wallets in a JSON-lines file of changes (docs/decisions/006): each
 * answered request appends its changes before the answer is written; at start the file is
 * replayed, then compacted into one snapshot.
 */
export function openStateLog(path: string, simulation: Simulation): StateLog {
  if (existsSync(path)) {
    const lines = readFileSync(path, 'utf8').split('\n');
    const changes: Change[] = [];
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        changes.push(JSON.parse(line) as Change);
      } catch (error) {
        // Only the last line can be cut short by a crash mid-write; anything else is a damaged file.
        if (index < lines.length - 2) throw new Error(`${path}:${index + 1} is not a state record: ${(error as Error).message}`);
      }
    });
    simulation.restore(changes);
  }
  let lines = compact(path, simulation);
  simulation.drainChanges();
  return {
    path,
    persist() {
      const changes = simulation.drainChanges();
      if (changes.length === 0) return;
      appendFileSync(path, changes.map((c) => JSON.stringify(c)).join('\n') + '\n');
      lines += changes.length;
      const live = simulation.state.jobs.size + simulation.state.accounts.size + 2;
      if (lines > 10_000 && lines > 4 * live) lines = compact(path, simulation);
    },
  };
}

function compact(path: string, simulation: Simulation): number {
  const snapshot = simulation.snapshot();
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, snapshot.map((c) => JSON.stringify(c)).join('\n') + '\n');
  renameSync(temporary, path);
  return snapshot.length;
}
