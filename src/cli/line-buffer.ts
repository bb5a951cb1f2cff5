/** Lines kept for one turn of the event loop, then written together. */
export interface LineBuffer {
  /** Keeps a line (without its newline) for the next write. */
  add(line: string): void;
  /** Writes what is kept now. */
  flush(): void;
  /** Writes what is kept, and every later line at once: nothing is kept any more. */
  close(): void;
}

/**
 * A log line per request, written to a file, is a system call per request: under load several
 * requests end in the same turn of the event loop, and their lines go out in one write at its end,
 * in the order they came. What is kept is written on `flush`, on `close`, and when the process exits.
 */
export function bufferLines(write: (text: string) => void): LineBuffer {
  let kept: string[] = [];
  let scheduled = false;
  let closed = false;
  const flush = (): void => {
    if (kept.length === 0) return;
    const text = `${kept.join('\n')}\n`;
    kept = [];
    write(text);
  };
  const onTurnEnd = (): void => {
    scheduled = false;
    flush();
  };
  process.on('exit', flush);
  return {
    add(line) {
      if (closed) return write(`${line}\n`);
      kept.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(onTurnEnd);
      }
    },
    flush,
    close() {
      closed = true;
      process.off('exit', flush);
      flush();
    },
  };
}
