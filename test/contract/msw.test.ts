import { describeContractSuite } from './contract-suite.js';
import { mswTarget } from './targets.js';

// The MSW handlers in-process (steps timing, a virtual clock): requests never leave the process.
describeContractSuite('msw', () => mswTarget(), {
  observes: ['create_status', 'creation_time_field', 'result_location', 'status_values', 'rate_limit_type', 'auth_error_type', 'remix_source'],
});
