// Bundled for the browser by msw-in-a-browser.test.ts: the MSW handlers under setupWorker, driven by
// a page the way a front-end app would call the gateway.
import { setupWorker } from 'msw/browser';
import { createHandlers } from '../../mocks/msw.js';

declare global {
  interface Window {
    aigwResult?: unknown;
  }
}

const BASE = 'https://api.aigateway.sh/v1';
const headers = { authorization: 'Bearer sk-aig-browser', 'content-type': 'application/json' };

/** A <video> of the URL once its metadata has loaded (the worker answers its Range requests). */
function videoElement(src: string): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  return new Promise((resolve, reject) => {
    video.addEventListener('loadedmetadata', () => resolve(video), { once: true });
    video.addEventListener('error', () => reject(new Error(`media error ${video.error?.code}: ${video.error?.message}`)), { once: true });
    video.src = src;
  });
}

async function run(): Promise<unknown> {
  const worker = setupWorker(...createHandlers({ timing: 'steps' }));
  await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'bypass', quiet: true });
  const created = await fetch(`${BASE}/videos/generations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake', aspect_ratio: '9:16' }),
  });
  const job = (await created.json()) as { id: string; status: string };
  const statuses = [job.status];
  let last: { status: string; result?: { url: string; duration: number; resolution: string } } = job;
  while (last.status !== 'completed' && last.status !== 'failed' && statuses.length < 10) {
    last = await (await fetch(`${BASE}/jobs/${job.id}`, { headers })).json();
    statuses.push(last.status);
  }
  const media = await fetch(last.result?.url ?? '');
  const bytes = new Uint8Array(await media.arrayBuffer());
  const video = await videoElement(last.result?.url ?? '');
  const limited = await fetch(`${BASE}/jobs/${job.id}`, { headers: { ...headers, prefer: 'code=429' } });
  return {
    createStatus: created.status,
    statuses,
    duration: last.result?.duration,
    resolution: last.result?.resolution,
    mediaType: media.headers.get('content-type'),
    mp4Brand: new TextDecoder().decode(bytes.subarray(4, 8)),
    videoDuration: video.duration,
    videoSize: `${video.videoWidth}x${video.videoHeight}`,
    limitedStatus: limited.status,
    retryAfter: limited.headers.get('retry-after'),
    limitedType: ((await limited.json()) as { error: { type: string } }).error.type,
  };
}

run().then(
  (result) => (window.aigwResult = result),
  (error: unknown) => (window.aigwResult = { error: String(error) }),
);
