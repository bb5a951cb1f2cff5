import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// Debian's Chromium, driven by playwright-core (npm packages may not download browsers here).
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Whether the browser tests run: always in CI (.ci/run installs Chromium, and a missing one fails
 * there rather than skipping); elsewhere only when Chromium is installed.
 */
export function browserTestsRun(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false') {
    throw new Error(`No Chromium at ${CHROMIUM}: the browser tests never skip in CI (apt-get install chromium, or set CHROMIUM_PATH).`);
  }
  return false;
}

export const skippedNote = `(skipped: no Chromium at ${CHROMIUM}; apt-get install chromium)`;

/** Headless Chromium with the flags every browser test needs here (no sandbox as root, no GPU, no network of its own). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}
