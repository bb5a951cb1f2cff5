/** Where a command writes; tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  env: process.env,
};

/** A flag's value that does not parse: the message names the flag and what it expects. */
export class UsageError extends Error {}

/** A file a flag names that cannot be used (a bad HAR, a bad profile): exit 2, like any bad input. */
export const asUsageError = (error: unknown): never => {
  throw error instanceof UsageError ? error : new UsageError((error as Error).message);
};

export function numberFlag(name: string, raw: string | undefined, check: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = check;
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    const kind = integer ? 'an integer' : 'a number';
    const range = Number.isFinite(min) && Number.isFinite(max) ? ` from ${min} to ${max}` : Number.isFinite(min) ? ` >= ${min}` : '';
    throw new UsageError(`--${name} must be ${kind}${range}, not '${raw}'.`);
  }
  return value;
}

/** Resolves on the first SIGINT or SIGTERM (a long-running command then stops gracefully). */
export function untilStopped(signals: NodeJS.EventEmitter): Promise<void> {
  return new Promise<void>((stop) => {
    const shutdown = (): void => {
      signals.off('SIGINT', shutdown);
      signals.off('SIGTERM', shutdown);
      stop();
    };
    signals.on('SIGINT', shutdown);
    signals.on('SIGTERM', shutdown);
  });
}
