import { describeContractSuite } from './contract-suite.js';
import { prismTarget } from './targets.js';

// Prism's static mock of openapi/aigateway-video.yaml: an independent implementation of the spec.
// It keeps no state, so only the stateless checks run; the others report why they are skipped.
describeContractSuite('prism', () => prismTarget(), {
  observes: ['create-status', 'time-fields', 'error-types'],
  // Prism answers slowly; its static answers do not get more interesting with more runs.
  runs: Math.min(10, Number(process.env['AIGW_RUNS'] ?? 10)),
});
