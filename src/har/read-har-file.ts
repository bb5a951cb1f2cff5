import { readFile } from 'node:fs/promises';
import { HarError, parseHar } from './validate-har.js';
import type { Har } from './har-types.js';

/** Reads and validates a HAR file; a missing or bad file is a HarError naming it. */
export async function readHarFile(path: string): Promise<Har> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HarError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, '');
  }
  return parseHar(text, path);
}
