import { describeContractSuite } from './contract-suite.js';
import { expressTarget } from './targets.js';

// The Express mock over HTTP on an ephemeral 127.0.0.1 port (realtime timing on a virtual clock the
// suite advances through /__mock/clock), reached through the same `url` target as the live gateway.
describeContractSuite('express', () => expressTarget(), {
  observes: ['create-status', 'time-fields', 'result-location', 'statuses', 'error-types', 'cancel', 'fast-poll', 'failed-error', 'remix-source'],
  names: 'union',
});
