import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockServer } from '../../mocks/express.js';
import { MODEL } from '../support/sim-call.js';

const dir = mkdtempSync(join(tmpdir(), 'aigw-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const auth = { authorization: 'Bearer sk-aig-restart' };

describe('a restart with a state file', () => {
  it('keeps every job, its status and the wallet', async () => {
    const stateFile = join(dir, 'state.jsonl');
    const first = await startMockServer({ port: 0, timing: 'steps', stateFile });
    const ids: string[] = [];
    for (const duration of [1, 2, 3]) {
      const r = await fetch(`${first.url}/videos/generations`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, prompt: 'p', duration }),
      });
      ids.push(((await r.json()) as { id: string }).id);
    }
    await fetch(`${first.url}/jobs/${ids[0]}`, { headers: auth });
    await fetch(`${first.url}/jobs/${ids[0]}`, { headers: auth });
    const walletBefore = await (await fetch(`${first.origin}/__mock/wallet`, { headers: auth })).json();
    await first.close();

    const second = await startMockServer({ port: 0, timing: 'steps', stateFile });
    try {
      const statuses = [];
      for (const id of ids) {
        const r = await fetch(`${second.url}/jobs/${id}`, { headers: auth });
        expect(r.status).toBe(200);
        statuses.push(((await r.json()) as { status: string }).status);
      }
      expect(statuses).toEqual(['completed', 'processing', 'processing']);
      expect(await (await fetch(`${second.origin}/__mock/wallet`, { headers: auth })).json()).toEqual(walletBefore);
    } finally {
      await second.close();
    }
  });
});
