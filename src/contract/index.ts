export { validateRequest, type RequestInput } from './validate-request.js';
export { validateResponse, type HeaderSource } from './validate-response.js';
export type { Violation } from './schema-validator.js';
export {
  errorCatalog,
  errorEntry,
  errorEnvelope,
  fillTemplate,
  type ErrorCatalogEntry,
  type ErrorDetails,
} from './error-catalog.js';
export { operations, getOperation, matchOperation, type Operation } from './openapi-document.js';
export {
  dialectPoints,
  namedDialects,
  dialectNames,
  defaultDialect,
  parseDialect,
  dialectFrom,
  speaks,
  DialectError,
  toDialect,
  type Dialect,
  type DialectPoint,
  type DialectChoice,
  type DialectChoices,
  type DialectName,
} from './dialects.js';
export { observeAnswer, dialectOfAnswer, inferDialect, type DialectObservation, type ObservedAnswer, type InferredDialect, type PointFinding } from './dialect-evidence.js';
export { specIn, dialectKey } from './dialect-spec.js';
export { errorCatalogIn } from './error-catalog.js';
export { parseModelCatalog, ModelCatalogError, type CatalogModel, type ModelCatalogInput } from './model-catalog.js';
export { statusRank, isTerminalStatus, knownStatuses } from './job-status.js';
