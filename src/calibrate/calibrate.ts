import { harExchanges } from '../har/har-exchanges.js';
import type { Har } from '../har/har-types.js';
import { validateHar } from '../har/validate-har.js';
import { PROFILE_FORMAT, PROFILE_VERSION, type GatewayProfile } from './gateway-profile.js';
import { inferDialect } from './infer-dialect.js';
import { measureTimings } from './measure-timings.js';

/**
 * A gateway's profile from a recording of it: the dialect it speaks, each point with the entries that
 * showed it, and its timings. A pure function of the HAR (validated here).
 */
export function calibrate(har: Har): GatewayProfile {
  validateHar(har);
  const exchanges = harExchanges(har).filter((e) => !e.proxyError);
  const jobs = new Set(exchanges.filter((e) => e.jobId !== null && e.status < 400).map((e) => e.jobId as string));
  const target = (har.log as { _aigw?: { target?: unknown } })._aigw?.target;
  const first = exchanges[0];
  const last = exchanges.at(-1);
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    source: {
      entries: exchanges.length,
      jobs: jobs.size,
      target: typeof target === 'string' ? target : null,
      from: first === undefined ? null : new Date(first.startedMs).toISOString(),
      to: last === undefined ? null : new Date(last.endedMs).toISOString(),
      creator: `${har.log.creator.name} ${har.log.creator.version}`,
    },
    dialect: inferDialect(exchanges),
    timings: measureTimings(exchanges),
  };
}
