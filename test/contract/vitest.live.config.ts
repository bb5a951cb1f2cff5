import { defineConfig } from 'vitest/config';

// `npm run test:live` only: the url target against AIGATEWAY_BASE_URL. `npm test` never picks it up
// (its files end in .live.ts), so no test of `npm test` contacts anything but 127.0.0.1.
export default defineConfig({
  test: {
    include: ['test/contract/**/*.live.ts'],
    // A live job takes minutes; polling waits in real time within the poll budget (10 min per job).
    testTimeout: 15 * 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
