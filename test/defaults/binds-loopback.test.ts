import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { serveOptions } from '../../src/cli/serve.js';

describe('the address the mock binds', () => {
  let server: RunningMockServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('binds 127.0.0.1 when no host is given', async () => {
    server = await startMockServer({ port: 0 });
    expect(server.server.address()).toMatchObject({ address: '127.0.0.1' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('leaves the host to that default when aigw-video serve gets no --host', () => {
    const options = serveOptions(['--port', '0']);
    expect(options).not.toBe('help');
    expect((options as { host?: string }).host).toBeUndefined();
  });
});
