export { createSimulation, type Simulation, type SimulationSetup } from './simulation.js';
export { handleRequest, clockNow } from './handle-request.js';
export { createState, drainChanges, applyChange, snapshotChanges, type SimState, type Change, type JobRecord, type JournalEntry } from './state.js';
export type { SimulationOptions, LatencyProfile, Timing } from './config.js';
export type { SimRequest, SimResponse, SimBody, SocketFault } from './exchange.js';
export { parsePrefer, type Preferences } from './prefer.js';
export { keyFingerprint } from './accounts.js';
