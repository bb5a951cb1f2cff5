import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** A state file's lock: `<file>.lock`, holding the pid and host of the server that uses the file. */
export interface StateLock {
  path: string;
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
}

const held = new Set<string>();
let exitHook = false;

const readHolder = (path: string): { text: string; holder: Holder | null } | null => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return { text, holder: { pid: parsed.pid, host: parsed.host } };
  } catch {
    // A lock cut short by a crash between create and write: nobody holds it.
  }
  return { text, holder: null };
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Whether a holder still runs: this process (another server in it), or a live pid on this host. */
function holds(holder: Holder | null, lockPath: string): boolean {
  if (holder === null) return false;
  if (holder.host !== hostname()) return true; // cannot tell from here: assume it does
  if (holder.pid === process.pid) return held.has(lockPath); // our pid, but not ours: a previous life
  return alive(holder.pid);
}

/**
 * Takes the lock of a state file, so that two servers never write one file (they would hand out
 * the same ids and one's compaction would drop the other's jobs). A lock left by a process that
 * died is taken over: moved aside, checked to be the stale one read, then replaced; a fresh lock
 * moved aside by a race is put back with link(), which never overwrites.
 */
export function lockStateFile(file: string): StateLock {
  const path = `${file}.lock`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      held.add(path);
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => {
          for (const lock of held) release(lock, null);
        });
      }
      return { path, release: () => release(path, mine) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const found = readHolder(path);
    if (found === null) continue; // released meanwhile
    if (holds(found.holder, path)) {
      const who = found.holder as Holder;
      throw new Error(
        `${file} is in use by process ${who.pid} on ${who.host} (lock ${path}). Two servers must not share a state file; ` +
          `stop the other one, or delete ${path} if no server uses the file.`,
      );
    }
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else took it over first
      throw error;
    }
    const moved = readHolder(aside);
    if (moved !== null && moved.text !== found.text) {
      // Not the stale lock we read: another server's fresh one. Put it back (never over a newer one).
      try {
        linkSync(aside, path);
      } catch {
        // A newer lock is there already; theirs stands.
      }
      unlinkSync(aside);
      continue;
    }
    unlinkSync(aside);
  }
  throw new Error(`${file}: could not take its lock ${path} (other servers keep taking it)`);
}

function release(path: string, mine: string | null): void {
  held.delete(path);
  try {
    const found = readHolder(path);
    if (found !== null && (mine === null ? found.holder?.pid === process.pid : found.text === mine)) unlinkSync(path);
  } catch {
    // Gone already, or its directory: nothing to release.
  }
}
