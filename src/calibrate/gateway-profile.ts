import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { dialectPoints, parseDialect, type Dialect } from '../contract/dialects.js';
import { gatewayProfileSchema } from '../generated/schemas.js';
import { fieldPath } from '../har/validate-har.js';
import type { JobTiming, SimulationOptions } from '../sim/config.js';
import { MAX_SIGMA } from '../sim/job-timings.js';
import type { InferredDialect } from './infer-dialect.js';
import type { Measure, Timings } from './measure-timings.js';

export const PROFILE_FORMAT = 'aigw-video-gateway-profile';
export const PROFILE_VERSION = 1;

/** What `calibrate` learned of a gateway (fixtures/profiles/gateway-profile.schema.json; docs/profile.md). */
export interface GatewayProfile {
  $schema?: string;
  format: typeof PROFILE_FORMAT;
  version: typeof PROFILE_VERSION;
  source: { entries: number; jobs: number; target: string | null; from: string | null; to: string | null; creator?: string };
  dialect: InferredDialect;
  timings: Timings;
}

/** A profile that cannot be used: the message names the field. */
export class ProfileError extends Error {
  override name = 'ProfileError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object on some setups.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: true, allErrors: false, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile<GatewayProfile>(gatewayProfileSchema);

/** Checks a profile against its schema and the spec's dialect points; throws a ProfileError naming the field. */
export function validateProfile(value: unknown, source = 'the profile'): GatewayProfile {
  if (!validate(value)) {
    const error = validate.errors?.[0];
    const params = (error?.params ?? {}) as Record<string, unknown>;
    const at = fieldPath(error?.instancePath ?? '');
    const extra = params['missingProperty'] ?? params['additionalProperty'];
    const field = extra === undefined ? at : at === '' ? String(extra) : `${at}.${String(extra)}`;
    const message = error?.keyword === 'required' ? 'is required' : error?.keyword === 'additionalProperties' ? 'is not a field of a version 1 profile' : (error?.message ?? 'is invalid');
    throw new ProfileError(`${source}: ${field === '' ? '(the profile)' : field} ${message}.`, field);
  }
  for (const { id, choices } of dialectPoints) {
    const choice = value.dialect.choices[id];
    if (choice === undefined) throw new ProfileError(`${source}: dialect.choices.${id} is required.`, `dialect.choices.${id}`);
    if (!choices.some((c) => c.id === choice)) {
      throw new ProfileError(`${source}: dialect.choices.${id} '${choice}' is not a choice of ${id}; choices: ${choices.map((c) => c.id).join(', ')}.`, `dialect.choices.${id}`);
    }
  }
  for (const point of Object.keys(value.dialect.choices)) {
    if (!dialectPoints.some((p) => p.id === point)) throw new ProfileError(`${source}: dialect.choices.${point} is not a dialect point; points: ${dialectPoints.map((p) => p.id).join(', ')}.`, `dialect.choices.${point}`);
  }
  try {
    parseDialect(value.dialect.name);
  } catch (error) {
    throw new ProfileError(`${source}: dialect.name: ${(error as Error).message}`, 'dialect.name');
  }
  return value;
}

export function parseProfile(text: string, source = 'the profile'): GatewayProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(`${source}: not JSON (${(error as Error).message}).`, '');
  }
  return validateProfile(value, source);
}

/**
 * The spread between jobs of a measured timing, as the sigma of a lognormal around its median (0:
 * every job the same). The lognormal whose mean and standard deviation are the measured ones has
 * sigma = sqrt(ln(1 + (stdev / mean)^2)). Two corrections first: the variance between `samples` jobs
 * is made an estimate of the gateway's (x n/(n-1)), and the polls' own share is taken out: each
 * sample is a midpoint known within +-resolutionMs, an error of variance resolutionMs^2/3 (uniform),
 * which a gateway whose jobs all take the same time would show too. Rounded to 3 decimals, at most
 * MAX_SIGMA.
 */
export function spreadSigma(measure: Measure): number {
  const { stdev, mean, samples, resolutionMs } = measure;
  if (!(stdev > 0 && mean > 0 && samples >= 2)) return 0;
  const variance = Math.max(0, (stdev ** 2 * samples) / (samples - 1) - resolutionMs ** 2 / 3);
  const sigma = Math.round(Math.sqrt(Math.log1p(variance / mean ** 2)) * 1000) / 1000;
  return Math.min(MAX_SIGMA, sigma);
}

/** A measured timing as the realtime schedule takes it: the median (at least `min` ms), spread as measured. */
export function measuredTiming(measure: Measure, min: number): JobTiming {
  const median = Math.max(min, Math.round(measure.median));
  const sigma = spreadSigma(measure);
  return sigma === 0 ? median : { kind: 'lognormal', medianMs: median, sigma };
}

/**
 * The simulation that plays a profiled gateway: its timings as the realtime schedule (each job
 * drawing its own around the median, spread as the jobs of the recording were), its rate limit, and
 * its dialect. This is the one place a profile becomes simulation options.
 */
export function profileSimulation(profile: GatewayProfile): { options: SimulationOptions; dialect: Dialect } {
  const dialect = parseDialect(profile.dialect.name);
  const options: SimulationOptions = { timing: 'realtime' };
  const { queuedMs, processingMsPerVideoSecond, rateLimit } = profile.timings;
  if (queuedMs !== null || processingMsPerVideoSecond !== null) {
    options.realtime = {
      ...(queuedMs !== null ? { queuedMs: measuredTiming(queuedMs, 1) } : {}),
      ...(processingMsPerVideoSecond !== null ? { processingMsPerSecond: measuredTiming(processingMsPerVideoSecond, 0) } : {}),
    };
  }
  if (rateLimit.limitRequests !== null) options.rpm = rateLimit.limitRequests;
  // The mock answers in the recorded gateway's dialect (a --dialect flag given as well wins over it).
  options.dialect = dialect;
  return { options, dialect };
}
