import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeHttpMockServer, type RunningMockServer } from '../../mocks/node-http.js';
import { browserTestsRun, launchChromium, skippedNote } from './chromium.js';

// The dashboard in headless Chromium against `aigw-video serve`'s server, driven the way a person
// would: a job created with the API shows up and completes on the board, a fault armed from the
// page breaks the next poll, the timeline shows the polls and plays the video, axe finds nothing.
// AIGW_UPDATE_SCREENSHOT=1 writes the screenshot the README shows (docs/dashboard.png).

const haveChromium = browserTestsRun();
const API_KEY = 'sk-aig-dashboard-test';
const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server: RunningMockServer;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  server = await startNodeHttpMockServer({ port: 0, log: null });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function createJob(body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await fetch(`${server.url}/videos/generations`, { method: 'POST', headers, body: JSON.stringify(body) });
  expect(response.status).toBe(202);
  return (await response.json()) as { id: string };
}

const poll = (id: string): Promise<Response> => fetch(`${server.url}/jobs/${id}`, { headers });

describe.skipIf(!haveChromium)(`the dashboard in a browser${haveChromium ? '' : ` ${skippedNote}`}`, () => {
  it('shows a job created through the API, completes it on the board, breaks the next poll from the page, plays the video', async () => {
    await page.goto(`${server.origin}/__mock/ui/`);
    await page.getByText('Events: live').waitFor({ timeout: 30_000 });

    // Note, in the page, when each job's row first shows `completed`.
    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { completedAt: Record<string, number> }).completedAt = seen;
      const look = (): void => {
        for (const row of document.querySelectorAll<HTMLElement>('tr[data-job-id][data-status="completed"]')) {
          const id = row.dataset['jobId'] as string;
          seen[id] ??= Date.now();
        }
      };
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    });

    const job = await createJob({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a slow drone shot over a mountain lake', duration: 3 });
    const row = page.locator(`tr[data-job-id="${job.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await page.locator(`tr[data-job-id="${job.id}"][data-status="completed"]`).waitFor({ timeout: 15_000 });

    // From the moment the mock says the job completed to the moment the board shows it.
    const summary = (await (await fetch(`${server.origin}/__mock/jobs/${job.id}`)).json()) as { status: string; updated: number; key: string; result: { duration: number } };
    expect(summary.status).toBe('completed');
    const shownAt = await page.evaluate((id) => (window as unknown as { completedAt: Record<string, number> }).completedAt[id], job.id);
    expect(shownAt, 'the row never showed completed').toBeTypeOf('number');
    const delay = (shownAt as number) - summary.updated;
    expect(delay, `the board showed the job completed ${delay} ms after it completed (the stream reads the store every 250 ms)`).toBeLessThanOrEqual(1000);

    // Arm a 503 for the next poll of this key from the page's form; the next API poll answers it.
    const controls = page.locator('#controls');
    await controls.getByRole('combobox', { name: /^Key/ }).selectOption(summary.key);
    await controls.getByRole('combobox', { name: /^Operation/ }).selectOption('getJob');
    await controls.getByRole('combobox', { name: /^Status/ }).selectOption('503');
    await controls.getByRole('button', { name: 'Arm fault' }).click();
    await controls.getByText(/^Armed fault_\d+/).waitFor();
    const broken = await poll(job.id);
    expect(broken.status).toBe(503);
    expect(broken.headers.get('retry-after')).toBe('2');
    expect((await poll(job.id)).status).toBe(200);
    // And a 503 that names no wait, for a client that must choose its own backoff.
    await controls.getByRole('checkbox', { name: /send no Retry-After/ }).check();
    await controls.getByRole('button', { name: 'Arm fault' }).click();
    await controls.getByText(/^Armed fault_\d+/).waitFor();
    const bare = await poll(job.id);
    expect(bare.status).toBe(503);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect((await poll(job.id)).status).toBe(200);

    // Open the job's timeline from the keyboard and see its polls: the two 503s among them.
    await row.getByRole('button', { name: `Open the timeline of ${job.id}` }).focus();
    await page.keyboard.press('Enter');
    const timeline = page.locator('#timeline');
    await timeline.waitFor();
    const polls = timeline.locator('table.polls tr[data-operation="getJob"]');
    await expect.poll(() => polls.count(), { timeout: 10_000 }).toBe(4);
    const faulted = timeline.locator('table.polls tr[data-operation="getJob"][data-status="503"]');
    expect(await faulted.count()).toBe(2);
    await expect(faulted.first().textContent()).resolves.toContain('armed');
    await expect(timeline.locator('table.polls tr[data-operation="createVideo"]').textContent()).resolves.toContain('queued');

    // The result plays inline, as long as the job says.
    const video = timeline.locator('video');
    const played = await video.evaluate(async (element: HTMLVideoElement) => {
      if (element.readyState < 1) await new Promise((ready) => element.addEventListener('loadedmetadata', ready, { once: true }));
      await element.play();
      await new Promise((moved) => element.addEventListener('timeupdate', moved, { once: true }));
      return { duration: element.duration, width: element.videoWidth, height: element.videoHeight };
    });
    expect(played.duration).toBeCloseTo(summary.result.duration, 1);
    expect(played.width).toBeGreaterThan(0);

    // The page that a person sees, for the README: a job still processing and one that failed beside it.
    const failed = await fetch(`${server.url}/videos/generations`, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer sk-aig-second-app', prefer: 'outcome=failed' },
      body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a storm', duration: 4 }),
    });
    const long = await createJob({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a long take', duration: 20 });
    await page.locator(`tr[data-job-id="${((await failed.json()) as { id: string }).id}"][data-status="failed"]`).waitFor({ timeout: 15_000 });
    await page.locator(`tr[data-job-id="${long.id}"][data-status="processing"]`).waitFor({ timeout: 15_000 });
    await page.locator('tr.selected').waitFor();
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.byteLength).toBeGreaterThan(10_000);
    const target = process.env['AIGW_UPDATE_SCREENSHOT'] === '1' ? fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url)) : join(tmpdir(), 'aigw-dashboard.png');
    writeFileSync(target, shot);

    // Labelled and usable without a mouse, as axe-core judges it.
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe.run();
      return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
    });
    expect(violations).toEqual([]);
    expect(pageProblems).toEqual([]);
  });
});
