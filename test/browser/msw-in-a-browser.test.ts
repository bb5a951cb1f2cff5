import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, launchChromium, skippedNote } from './chromium.js';

const haveChromium = browserTestsRun();

let server: Server;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  if (!haveChromium) return;
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./page-entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.contents ?? new Uint8Array();
  const worker = readFileSync(createRequire(import.meta.url).resolve('msw/mockServiceWorker.js'));
  const files: Record<string, [string, Uint8Array | string]> = {
    '/': ['text/html', '<!doctype html><title>aigw</title><script type="module" src="/page.js"></script>'],
    '/page.js': ['text/javascript', script],
    '/mockServiceWorker.js': ['text/javascript', worker],
  };
  server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
});

describe.skipIf(!haveChromium)(`the MSW handlers in a browser${haveChromium ? '' : ` ${skippedNote}`}`, () => {
  it('play a job to completion, serve an MP4 a <video> reads as the job says, and answer forced errors under setupWorker', async () => {
    const page = await browser.newPage();
    await page.goto(origin);
    await page.waitForFunction(() => window.aigwResult !== undefined, undefined, { timeout: 30_000 });
    const result = await page.evaluate(() => window.aigwResult);
    expect(result).toEqual({
      createStatus: 202,
      statuses: ['queued', 'processing', 'completed'],
      duration: 5,
      resolution: '1080x1920',
      mediaType: 'video/mp4',
      mp4Brand: 'ftyp',
      videoDuration: 5,
      videoSize: '1080x1920',
      limitedStatus: 429,
      retryAfter: '2',
      limitedType: 'rate_limit_error',
    });
  });
});
