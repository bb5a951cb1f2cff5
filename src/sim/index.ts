export { createSimulation, type Simulation, type SimulationSetup } from './simulation.js';
export { MemoryStore, createMemoryStore, type Change, type StoredAccount, type MemoryStoreOptions } from './memory-store.js';
export type {
  Store,
  JobRecord,
  JournalEntry,
  WalletRecord,
  Fault,
  Admission,
  AdmitLimits,
  JobLimits,
  JobQuery,
  JournalQuery,
  KeyQuery,
  KeyRecord,
  CreateJobResult,
  JobPatch,
  SequenceName,
} from './store.js';
export type { SimulationOptions, LatencyProfile, Distribution, JobTiming, Timing, SimConfig } from './config.js';
export type { SimRequest, SimResponse, SimBody, SocketFault } from './exchange.js';
export type { DueWebhook, WebhookAttempt, WebhookEvent } from './webhooks.js';
export { parsePrefer, type Preferences } from './prefer.js';
