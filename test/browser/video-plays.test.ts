// A browser plays the served MP4: Debian's Chromium, headless, loads result.url from the running
// mock into a <video>, reads its duration and frame size, shows its picture and plays it to the end.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeHttpMockServer, type RunningMockServer } from '../../mocks/node-http.js';
import { completedJob } from '../support/completed-job.js';
import { browserTestsRun, launchChromium, skippedNote } from './chromium.js';

const haveChromium = browserTestsRun();
const KEY = 'sk-aig-video-element';

let server: RunningMockServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!haveChromium) return;
  server = await startNodeHttpMockServer({ port: 0, timing: 'steps' });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  page = await browser.newPage();
  // A page on the mock's own origin, so the canvas may read the video's pixels.
  await page.goto(`${server.origin}/__mock/health`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** What the page's <video> reports for a URL: after its metadata, its first picture, and the end of playback. */
function playInPage(url: string) {
  return page.evaluate(async (src) => {
    const video = document.createElement('video');
    video.muted = true;
    video.preload = 'auto';
    const next = (event: string): Promise<void> =>
      new Promise((resolve, reject) => {
        video.addEventListener(event, () => resolve(), { once: true });
        video.addEventListener('error', () => reject(new Error(`media error ${video.error?.code}: ${video.error?.message}`)), { once: true });
      });
    const loaded = next('loadeddata');
    video.src = src;
    document.body.append(video);
    await loaded;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d');
    context?.drawImage(video, 0, 0);
    // The keyframe's top-left corner: the gradient's deep blue (29, 53, 87), give or take the codec.
    const corner = [...(context?.getImageData(2, 2, 1, 1).data ?? [])].slice(0, 3);
    const metadata = { duration: video.duration, width: video.videoWidth, height: video.videoHeight, corner };
    const ended = next('ended');
    video.playbackRate = 16;
    await video.play();
    await ended;
    return { ...metadata, endedAt: video.currentTime, error: video.error };
  }, url);
}

describe.skipIf(!haveChromium)(`a <video> in Chromium${haveChromium ? '' : ` ${skippedNote}`}`, () => {
  it.each([
    ['5 s 1920x1080', 5, '16:9', '1080p'],
    ['20 s 480x854', 20, '9:16', '480p'],
    ['3 s 720x720', 3, '1:1', '720p'],
  ] as const)('plays a %s file for a %i s %s %s job', async (_says, duration, aspect_ratio, resolution) => {
    const result = await completedJob(server.url, KEY, { duration, aspect_ratio, resolution });
    const played = await playInPage(result.url);
    expect(played.duration).toBeCloseTo(result.duration, 3);
    expect(`${played.width}x${played.height}`).toBe(result.resolution);
    const [r = 0, g = 0, b = 0] = played.corner;
    expect(Math.max(Math.abs(r - 29), Math.abs(g - 53), Math.abs(b - 87))).toBeLessThan(24);
    expect(played.endedAt).toBeCloseTo(result.duration, 1);
    expect(played.error).toBeNull();
  });
});
