import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the package entries', () => {
  it("resolve by name from the build: 'aigw-video-kit', '/msw', '/express', '/conformance', '/har', '/record' and '/redis'", () => {
    // `npm test` builds before vitest runs; Node resolves a package's own name through its exports.
    const script = `
      const main = await import('aigw-video-kit');
      const msw = await import('aigw-video-kit/msw');
      const express = await import('aigw-video-kit/express');
      const conformance = await import('aigw-video-kit/conformance');
      const har = await import('aigw-video-kit/har');
      const record = await import('aigw-video-kit/record');
      const redis = await import('aigw-video-kit/redis');
      console.log(JSON.stringify([typeof main.createClient, typeof main.validateResponse, typeof msw.createHandlers, typeof express.createMockApp, typeof express.startMockServer, typeof conformance.runConformance, typeof har.createReplay, typeof har.calibrate, typeof har.verifyHar, typeof record.startRecordingProxy, typeof record.readHarFile, typeof redis.createRedisStore]));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(Array(12).fill('function'));
  });
});
