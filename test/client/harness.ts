import { createClient, type ClientOptions } from '../../src/client/index.js';
import { scriptedFetch, type Reply } from './scripted-fetch.js';
import { virtualClock } from './virtual-clock.js';

export const apiKey = 'sk-aig-test-0123456789abcdef';
export const baseURL = 'http://127.0.0.1:4010/v1';

/** A client wired to a scripted fetch and a virtual clock. */
export function harness(script: Reply[], options: Partial<ClientOptions> & { then?: Reply } = {}) {
  const { then, ...clientOptions } = options;
  const clock = virtualClock();
  const server = scriptedFetch(script, then === undefined ? { now: clock.now } : { now: clock.now, then });
  const client = createClient({
    apiKey,
    baseURL,
    fetch: server.fetch,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    ...clientOptions,
  });
  return { client, calls: server.calls, clock };
}

/** What a promise rejected with; fails the test when it resolves. */
export const caught = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};
