import type { Check } from './check.js';
import {
  completedHasResult,
  ensureResourceAvailability,
  failedHasError,
  idStable,
  lifecycleMonotonic,
  rateLimitHeadersConsistent,
  resultMatchesRequest,
  retryAfterOn429,
  terminalAbsorbing,
  timestampsPlausible,
} from './checks/job-checks.js';
import { cancelEndsTheJob, speaksOneDialect } from './checks/dialect-checks.js';
import { modelLifecycle } from './checks/model-lifecycle.js';
import {
  contentTypeConformance,
  errorTypeMatchesStatus,
  ignoredAuth,
  negativeDataRejection,
  notAServerError,
  positiveDataAcceptance,
  responseHeadersConformance,
  responseSchemaConformance,
  statusCodeConformance,
  unsupportedMethod,
} from './checks/response-checks.js';

/** Every check of the suite, in the order reports list them: the cheap, stateless ones first. */
export const checkCatalogue: readonly Check[] = [
  notAServerError,
  statusCodeConformance,
  contentTypeConformance,
  responseHeadersConformance,
  responseSchemaConformance,
  negativeDataRejection,
  positiveDataAcceptance,
  ignoredAuth,
  unsupportedMethod,
  errorTypeMatchesStatus,
  retryAfterOn429,
  rateLimitHeadersConsistent,
  ensureResourceAvailability,
  lifecycleMonotonic,
  terminalAbsorbing,
  completedHasResult,
  resultMatchesRequest,
  failedHasError,
  idStable,
  timestampsPlausible,
  modelLifecycle,
  cancelEndsTheJob,
  // Last: it judges what every check before it saw.
  speaksOneDialect,
];

export function findCheck(name: string): Check {
  const check = checkCatalogue.find((c) => c.name === name);
  if (check === undefined) throw new Error(`No check named '${name}'`);
  return check;
}
