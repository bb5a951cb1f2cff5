import { describe, it } from 'vitest';
import { createUrlTarget, DEFAULT_MAX_SPEND_USD } from '../../src/verify/index.js';
import { describeContractSuite } from './contract-suite.js';

// `npm run test:live`: the same suite, through the same `url` target the express tests exercise,
// against AIGATEWAY_BASE_URL (default the live gateway) with AIGATEWAY_API_KEY. Jobs cost $0.10 per
// video second: creating checks run once, on the shortest duration, within AIGATEWAY_MAX_SPEND
// dollars (default 0.50). Without a key nothing is contacted and the run reports a skip, never a pass.
const apiKey = process.env['AIGATEWAY_API_KEY'];
const baseUrl = process.env['AIGATEWAY_BASE_URL'] ?? 'https://api.aigateway.sh/v1';
const maxSpendUsd = Number(process.env['AIGATEWAY_MAX_SPEND'] ?? DEFAULT_MAX_SPEND_USD);

if (apiKey === undefined || apiKey === '') {
  describe('the url target (live gateway)', () => {
    it(`runs the contract suite against ${baseUrl}`, (ctx) => {
      process.stdout.write('skipped: no AIGATEWAY_API_KEY\n');
      ctx.skip('skipped: no AIGATEWAY_API_KEY');
    });
  });
} else {
  describeContractSuite(
    'url',
    async () => ({ target: await createUrlTarget({ name: 'url', baseUrl, apiKey, maxSpendUsd }), close: async () => undefined }),
    { observes: [], printDrift: true },
  );
}
