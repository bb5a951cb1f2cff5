import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The adapters this package ships, runnable by name. */
export const shippedAdapters = ['reference', 'openai'] as const;
export type ShippedAdapter = (typeof shippedAdapters)[number];

const quote = (path: string): string => `'${path.replace(/'/g, `'\\''`)}'`;

/**
 * `reference` and `openai` become `node <this package>/dist/src/conformance/adapters/<name>.js`
 * (compiled by `npm run build`); anything else is a shell command, used as given.
 */
export function resolveAdapter(adapter: string): string {
  if (!(shippedAdapters as readonly string[]).includes(adapter)) return adapter;
  const candidates = [
    new URL(`./adapters/${adapter}.js`, import.meta.url),
    new URL(`../../dist/src/conformance/adapters/${adapter}.js`, import.meta.url),
  ].map((url) => fileURLToPath(url));
  const script = candidates.find((path) => existsSync(path));
  if (script === undefined) {
    throw new Error(`the ${adapter} adapter is not built (looked for ${candidates.join(', ')}); run \`npm run build\``);
  }
  if (adapter === 'openai') {
    try {
      import.meta.resolve('openai');
    } catch {
      // A devDependency of this kit: present in a clone, not in an install.
      throw new Error('the openai adapter needs the openai package beside this one: npm install openai');
    }
  }
  return `${quote(process.execPath)} ${quote(script)}`;
}
