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
