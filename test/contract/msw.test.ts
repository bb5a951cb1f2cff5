import { describeContractSuite } from './contract-suite.js';
import { mswTarget } from './targets.js';

// The MSW handlers in-process (steps timing, a virtual clock): requests never leave the process.
describeContractSuite('msw', () => mswTarget(), {
  observes: ['create-status', 'time-fields', 'result-location', 'statuses', 'error-types', 'cancel', 'fast-poll', 'failed-error', 'remix-source'],
  names: 'union',
});
