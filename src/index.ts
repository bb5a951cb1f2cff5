// The package's main entry: the reference client, the contract validators and the simulation core.
// The adapters have their own entries: `aigw-video-kit/express` and `aigw-video-kit/msw`.
export * from './client/index.js';
export {
  validateRequest,
  validateResponse,
  errorCatalog,
  errorEnvelope,
  type Violation,
  type ErrorCatalogEntry,
  type RequestInput,
} from './contract/index.js';
export {
  parseDialect,
  toDialect,
  dialectFrom,
  dialectPoints,
  namedDialects,
  dialectNames,
  defaultDialect,
  DialectError,
  observeAnswer,
  dialectOfAnswer,
  inferDialect,
  specIn,
  errorCatalogIn,
  parseModelCatalog,
  ModelCatalogError,
  type Dialect,
  type DialectPoint,
  type DialectChoice,
  type DialectChoices,
  type DialectName,
  type DialectObservation,
  type InferredDialect,
  type ModelCatalogInput,
} from './contract/index.js';
export { createSimulation, type Simulation, type SimulationSetup, type SimulationOptions } from './sim/index.js';
export type * from './generated/api.js';
