// `aigw-video-kit/har`: recordings as data, with no I/O (runs under MSW in browsers too).
// Reading files and recording live in `aigw-video-kit/record`.
export { createReplay, type Replay, type ReplayOptions } from '../replay/create-replay.js';
export type { Responder } from '../replay/responder.js';
export { validateHar, parseHar, HarError } from './validate-har.js';
export { harExchanges, type HarExchange } from './har-exchanges.js';
export type { Har, HarEntry, RecordedHar, RecordedEntry, AigwEntryNotes, AigwLogNotes } from './har-types.js';
export { calibrate } from '../calibrate/calibrate.js';
export { inferDialect, type InferredDialect, type PointFinding, type Evidence } from '../calibrate/infer-dialect.js';
export { measureTimings, type Timings, type Measure } from '../calibrate/measure-timings.js';
export { validateProfile, parseProfile, profileSimulation, ProfileError, PROFILE_FORMAT, PROFILE_VERSION, type GatewayProfile } from '../calibrate/gateway-profile.js';
export { verifyHar, type HarVerifyOptions } from '../verify/from-har.js';
