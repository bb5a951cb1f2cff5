// ffprobe and ffmpeg (Debian's, as .ci/run installs) read the served MP4 over HTTP from the mock
// that `aigw-video serve` runs, and must agree with the job about its duration and frame size.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeHttpMockServer, type RunningMockServer } from '../../mocks/node-http.js';
import { PICTURE_DURATION, VIDEO_TIMESCALE } from '../../src/sim/media.js';
import { completedJob } from '../support/completed-job.js';

const run = promisify(execFile);
const haveFfmpeg = spawnSync('ffprobe', ['-version']).status === 0 && spawnSync('ffmpeg', ['-version']).status === 0;
// In CI a missing ffmpeg is a failure (.ci/run installs it), never a skip.
const skip = !haveFfmpeg && process.env['CI'] === undefined;
const KEY = 'sk-aig-ffprobe';
const ONE_PICTURE = PICTURE_DURATION / VIDEO_TIMESCALE;

let server: RunningMockServer;
beforeAll(async () => {
  if (!skip) server = await startNodeHttpMockServer({ port: 0, timing: 'steps' });
});
afterAll(() => server?.close());

// [what the file must say, duration, aspect_ratio, resolution]
const cases: Array<[string, number, string, string]> = [
  ['5 s 1920x1080', 5, '16:9', '1080p'],
  ['1 s 854x480', 1, '16:9', '480p'],
  ['4 s 720x1280', 4, '9:16', '720p'],
  ['13 s 480x854', 13, '9:16', '480p'],
  ['20 s 1080x1080', 20, '1:1', '1080p'],
  ['7 s 720x720', 7, '1:1', '720p'],
];

describe.skipIf(skip)(skip ? 'ffprobe over HTTP (skipped: no ffprobe/ffmpeg; apt-get install ffmpeg)' : 'ffprobe over HTTP', () => {
  it.each(cases)('serves a %s file for a %i s %s %s job', async (_says, duration, aspect_ratio, resolution) => {
    const result = await completedJob(server.url, KEY, { duration, aspect_ratio, resolution });
    const { stdout } = await run('ffprobe', [
      '-v', 'error', '-show_entries', 'format=duration,format_name:stream=codec_name,width,height,duration', '-of', 'json', result.url,
    ]);
    const probe = JSON.parse(stdout) as {
      format: { duration: string; format_name: string };
      streams: Array<{ codec_name: string; width: number; height: number; duration: string }>;
    };
    expect(probe.format.format_name).toContain('mp4');
    expect(probe.streams).toHaveLength(1);
    const [stream] = probe.streams;
    expect(`${stream?.width}x${stream?.height}`).toBe(result.resolution);
    expect(stream?.codec_name).toBe('h264');
    expect(Math.abs(Number(probe.format.duration) - result.duration)).toBeLessThan(ONE_PICTURE);
    expect(Math.abs(Number(stream?.duration) - result.duration)).toBeLessThan(ONE_PICTURE);

    // Every picture decodes without error (-xerror stops at the first) and shows the same still.
    const decoded = await run('ffmpeg', ['-v', 'error', '-xerror', '-i', result.url, '-f', 'framemd5', '-']);
    const frames = decoded.stdout.split('\n').filter((line) => /^0,/.test(line));
    expect(decoded.stderr).toBe('');
    expect(frames).toHaveLength(Math.ceil(result.duration / ONE_PICTURE));
    expect(new Set(frames.map((line) => line.split(',').at(-1)?.trim())).size).toBe(1);
  });
});
