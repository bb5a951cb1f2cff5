import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Change, MemoryStore } from '../src/sim/memory-store.js';
import type { Persistence } from '../src/sim/simulation.js';
import { lockStateFile } from './state-lock.js';
import { readStateRecord, STATE_FILE_HEADER } from './state-record.js';

export interface StateLogOptions {
  /** Rewrite the file as a snapshot once it holds this many records and 4x the live ones. Default 10,000. */
  compactAfterRecords?: number;
  /** Where the start report and persistence failures go. Default: standard error for failures only. */
  log?: ((line: string) => void) | null;
  /** After a failed write, wait this long before trying again (each try rewrites the whole state). Default 1 s. */
  retryAfterMs?: number;
  /** Told whenever the persistence status changes (a server hands it to `Simulation.setPersistence` for the health). */
  onStatus?: ((status: Persistence) => void) | null;
}

export interface StateLog {
  path: string;
  /** Records read back at start, and records dropped (a record torn by a crash mid-write). */
  recovered: number;
  dropped: number;
  /** Whether the file is written to now, and what the start found (`GET /__mock/health` shows it). */
  readonly status: Persistence;
  /**
   * Appends what the store changed since the last call as one record, synchronously, so a kill -9
   * loses nothing answered; the store calls it at each `commit`. Never throws: a failure is
   * reported (log, status) and retried.
   */
  persist(): void;
  /** Writes what is left, stops following the store and releases the file's lock. */
  close(): void;
}

const kindOf = (stats: Stats): string | null =>
  stats.isSymbolicLink()
    ? 'a symbolic link'
    : stats.isFIFO()
      ? 'a FIFO'
      : stats.isCharacterDevice() || stats.isBlockDevice()
        ? 'a device'
        : stats.isDirectory()
          ? 'a directory'
          : stats.isSocket()
            ? 'a socket'
            : null;

/** O_NOFOLLOW: a symbolic link planted at the path is refused, never written through. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}

/** Reads a state file's records: the torn last one is dropped, anything else invalid is an error naming the line. */
function readRecords(path: string): { changes: Change[]; recovered: number; dropped: number } {
  // Opened without following links or blocking, and checked to be a regular file before reading.
  const input = openSync(path, constants.O_RDONLY | NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  let text: string;
  try {
    if (!fstatSync(input).isFile()) throw new Error(`${path} is not a regular file; refusing to read it as a state file.`);
    text = readFileSync(input, 'utf8');
  } finally {
    closeSync(input);
  }
  if (text.length === 0) return { changes: [], recovered: 0, dropped: 0 };
  const lines = text.split('\n');
  // A complete file ends with a newline; a last piece after it is what a crash left mid-write.
  const last = lines.length - 1;
  const changes: Change[] = [];
  let recovered = 0;
  let dropped = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const where = `${path}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (index === last) {
        dropped++;
        continue;
      }
      if (index === 0) throw new Error(`${path} is not an aigw-video-kit state file (its first line is not JSON); refusing to overwrite it.`);
      throw new Error(`${where} is not a state record: ${(error as Error).message}`);
    }
    if (index === 0) {
      const header = value as Record<string, unknown> | null;
      if (header !== null && typeof header === 'object' && header['format'] === STATE_FILE_HEADER.format) {
        if (header['version'] !== STATE_FILE_HEADER.version) {
          throw new Error(`${path} is an aigw-video-kit state file of version ${String(header['version'])}; this version reads version ${STATE_FILE_HEADER.version}.`);
        }
        continue;
      }
      if (header !== null && typeof header === 'object' && header['t'] === 'reset') {
        throw new Error(
          `${path} was written by an older aigw-video-kit (state file version 1), whose key fingerprints are no longer used: ` +
            'its jobs and wallets could not be reached. Move it away to start with a new state file.',
        );
      }
      throw new Error(`${path} is not an aigw-video-kit state file (no state header on its first line); refusing to overwrite it.`);
    }
    const checked = readStateRecord(value);
    if (!checked.ok) throw new Error(`${where} is not a state record: ${checked.reason}`);
    changes.push(...checked.record.changes);
    recovered++;
  }
  return { changes, recovered, dropped };
}

/**
 * What is at a state file's path, without opening it (a FIFO would block, a device swallow): a
 * regular file's stats, null for a new path in an existing directory, or an error naming it.
 */
export function checkStatePath(path: string): Stats | null {
  let stats: Stats | null = null;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path}: ${(error as Error).message}`);
  }
  if (stats !== null) {
    const kind = kindOf(stats);
    if (kind !== null) throw new Error(`${path} is ${kind}, not a state file; give the path of a regular file (or of one to create).`);
  } else if (!existsSync(dirname(path))) {
    throw new Error(`${path}: its directory ${dirname(path)} does not exist.`);
  }
  return stats;
}

/**
 * Keeps an in-memory store's jobs and wallets in a JSON-lines file (docs/decisions/006): a header,
 * then one record per unit of work (a request, a webhook hand-out) holding everything it changed
 * (a create and its charge together), appended when the store commits, before the answer is
 * written. At start the file is checked (a regular state file, or a new path), locked, replayed,
 * then compacted into one snapshot.
 */
export function openStateLog(file: string, store: MemoryStore, options: StateLogOptions = {}): StateLog {
  const path = resolve(file);
  const { compactAfterRecords = 10_000, log = null, retryAfterMs = 1000, onStatus = null } = options;
  const report = (line: string): void => (log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  checkStatePath(path);
  const lock = lockStateFile(path);
  let fd: number | null = null;
  try {
    // Again under the lock: what is there now is what will be read.
    const stats = checkStatePath(path);
    const { changes, recovered, dropped } = stats === null ? { changes: [], recovered: 0, dropped: 0 } : readRecords(path);
    store.restore(changes);
    let status: Persistence = { mode: 'state-file', ok: true, path, error: null, failed_writes: 0, records_recovered: recovered, records_dropped: dropped };
    const setStatus = (next: Persistence): void => {
      status = next;
      onStatus?.({ ...status });
    };
    // Said in the log; said anyway (on standard error) when the start dropped a record.
    if (stats !== null && (log !== null || dropped > 0)) {
      report(`${path}: ${recovered} records recovered, ${dropped} dropped${dropped > 0 ? ' (a torn last record, from a crash mid-write: its request was never answered)' : ''}`);
    }

    const compact = (): number => {
      const snapshot = store.snapshot();
      store.drainChanges(); // the snapshot holds them
      const temporary = `${path}.${process.pid}.tmp`;
      try {
        unlinkSync(temporary);
      } catch {
        // none left over
      }
      const out = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o644);
      let records = 0;
      try {
        let text = `${JSON.stringify(STATE_FILE_HEADER)}\n`;
        for (let i = 0; i < snapshot.length; i += 500) {
          text += `${JSON.stringify({ changes: snapshot.slice(i, i + 500) })}\n`;
          records++;
        }
        writeAll(out, text);
      } finally {
        closeSync(out);
      }
      renameSync(temporary, path);
      if (fd !== null) closeSync(fd);
      fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | NOFOLLOW);
      return records;
    };

    let records = compact();
    store.trackChanges(true);
    let failing = false;
    let lastTry = 0;
    const fail = (error: unknown): void => {
      const message = `${(error as NodeJS.ErrnoException).code ?? 'error'}: ${(error as Error).message}`.slice(0, 300);
      if (!failing) {
        report(`STATE FILE ERROR: ${path} could not be written (${message}). The mock keeps answering from memory and retries at most once a second; GET /__mock/health shows persistence.ok false until it succeeds.`);
      }
      failing = true;
      setStatus({ ...status, ok: false, error: message, failed_writes: status.failed_writes + 1 });
    };

    let closed = false;
    const persist = (): void => {
      if (closed) return;
      if (failing) {
        // What failed to be appended is only in memory: write the whole state again, at most once a second.
        if (Date.now() - lastTry < retryAfterMs) {
          store.drainChanges();
          return;
        }
        lastTry = Date.now();
        try {
          records = compact();
        } catch (error) {
          fail(error);
          return;
        }
        failing = false;
        setStatus({ ...status, ok: true, error: null });
        report(`${path}: writable again; the whole state was written.`);
        return;
      }
      const changes = store.drainChanges();
      if (changes.length === 0) return;
      try {
        // Appending to a file that was removed (or replaced) would write to nowhere.
        if (fstatSync(fd as number).nlink === 0) throw Object.assign(new Error(`${path} was removed while in use`), { code: 'ENOENT' });
        writeAll(fd as number, `${JSON.stringify({ changes })}\n`);
        records++;
        if (records > compactAfterRecords && records > 4 * store.recordCount()) records = compact();
      } catch (error) {
        lastTry = Date.now();
        fail(error);
      }
    };

    store.onCommit = persist;
    return {
      path,
      recovered,
      dropped,
      get status() {
        return { ...status };
      },
      persist,
      close() {
        if (closed) return;
        persist();
        closed = true;
        if (store.onCommit === persist) store.onCommit = null;
        store.trackChanges(false);
        if (fd !== null) closeSync(fd);
        fd = null;
        lock.release();
      },
    };
  } catch (error) {
    if (fd !== null) closeSync(fd);
    lock.release();
    throw error;
  }
}
