import { readFile } from 'node:fs/promises';
import { parseProfile, ProfileError, type GatewayProfile } from './gateway-profile.js';

/** Reads and validates a profile file; a missing or bad file is a ProfileError naming it. */
export async function readProfileFile(path: string): Promise<GatewayProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ProfileError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, '');
  }
  return parseProfile(text, path);
}
