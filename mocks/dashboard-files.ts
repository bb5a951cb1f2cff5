import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorEnvelope } from '../src/contract/error-catalog.js';

/** Where the HTTP adapters serve the dashboard. */
export const DASHBOARD_PATH = '/__mock/ui/';

export interface StaticAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

// The page's files ship in the package's ui/ folder: beside mocks/ when run from the sources,
// two levels up from dist/mocks/ when run compiled.
const uiDir = [new URL('../ui/', import.meta.url), new URL('../../ui/', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(join(dir, 'index.html')));

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(name));

/**
 * The libraries the page imports (its import map names them), served as their packages publish
 * them: nothing is built or fetched from elsewhere. Resolved lazily, once.
 */
let vendorFiles: Map<string, string> | null = null;
function vendor(): Map<string, string> {
  if (vendorFiles !== null) return vendorFiles;
  const parser = packageDir('eventsource-parser');
  vendorFiles = new Map([
    ['vendor/preact.js', require.resolve('preact')],
    ['vendor/preact-hooks.js', require.resolve('preact/hooks')],
    // htm's `require` entry is CommonJS; its ES module sits beside it.
    ['vendor/htm.js', join(packageDir('htm'), 'htm.mjs')],
    // Version 3: one self-contained ES module (version 4 needs Node 22, which this package does not).
    ['vendor/eventsource-parser/index.js', join(parser, 'index.js')],
  ]);
  return vendorFiles;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Only flat names of the page's own files: no path ever leaves ui/. */
const OWN_FILE = /^[a-z0-9][a-z0-9-]*\.(?:js|css|svg)$/;

/**
 * The Content-Security-Policy of the page: its own scripts and the import map (by its hash), calls
 * to its own origin only, video from the mock (or the public URL it gives results), and no framing
 * (a page of another site must not wrap the dashboard's buttons).
 */
function policy(html: string, mediaOrigin: string | null): string {
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(importMap).digest('base64');
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    `media-src 'self'${mediaOrigin === null ? '' : ` ${mediaOrigin}`}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const COMMON = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

const notFound = (message: string): StaticAnswer => ({
  status: 404,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: Buffer.from(JSON.stringify(errorEnvelope(404, { message, code: 'unknown_endpoint' }))),
});

/** Whether a request path is the dashboard's (`/__mock/ui` and below). */
export const isDashboardPath = (pathname: string): boolean => pathname === '/__mock/ui' || pathname.startsWith(DASHBOARD_PATH);

/**
 * The dashboard's answer to `GET pathname` (a path under /__mock/ui): a file of the page, a library
 * it imports, or a 404. `publicBaseUrl` is where result videos are served, when not this origin.
 */
export async function dashboardFile(pathname: string, publicBaseUrl: string | null): Promise<StaticAnswer> {
  if (pathname === '/__mock/ui') return { status: 308, headers: { location: DASHBOARD_PATH }, body: Buffer.alloc(0) };
  if (uiDir === undefined) return notFound('The dashboard is not installed with this copy of aigw-video-kit (its ui/ folder is missing).');
  const name = pathname.slice(DASHBOARD_PATH.length);
  if (name === '' || name === 'index.html') {
    const html = await readFile(join(uiDir, 'index.html'), 'utf8');
    const mediaOrigin = publicBaseUrl === null ? null : new URL(publicBaseUrl).origin;
    return {
      status: 200,
      headers: { ...COMMON, 'content-type': TYPES['.html'] as string, 'content-security-policy': policy(html, mediaOrigin), 'x-frame-options': 'DENY' },
      body: Buffer.from(html),
    };
  }
  const file = vendor().get(name) ?? (OWN_FILE.test(name) ? join(uiDir, name) : null);
  if (file === null || !existsSync(file)) return notFound(`${name.slice(0, 200)} is not a file of the dashboard.`);
  const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? TYPES['.js'] as string;
  return { status: 200, headers: { ...COMMON, 'content-type': type }, body: await readFile(file) };
}
