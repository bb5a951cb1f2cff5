import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { dialectPoints, parseDialect, type Dialect } from '../contract/dialects.js';
import { gatewayProfileSchema } from '../generated/schemas.js';
import { fieldPath } from '../har/validate-har.js';
import type { SimulationOptions } from '../sim/config.js';
import type { InferredDialect } from './infer-dialect.js';
import type { Timings } from './measure-timings.js';

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
 * The simulation that plays a profiled gateway: its timings as the realtime schedule, its rate
 * limit, and its dialect. This is the one place a profile becomes simulation options.
 */
export function profileSimulation(profile: GatewayProfile): { options: SimulationOptions; dialect: Dialect } {
  const dialect = parseDialect(profile.dialect.name);
  const options: SimulationOptions = { timing: 'realtime' };
  const { queuedMs, processingMsPerVideoSecond, rateLimit } = profile.timings;
  if (queuedMs !== null || processingMsPerVideoSecond !== null) {
    options.realtime = {
      ...(queuedMs !== null ? { queuedMs: Math.max(1, Math.round(queuedMs.median)) } : {}),
      ...(processingMsPerVideoSecond !== null ? { processingMsPerSecond: Math.round(processingMsPerVideoSecond.median) } : {}),
    };
  }
  if (rateLimit.limitRequests !== null) options.rpm = rateLimit.limitRequests;
  // The mock answers in the recorded gateway's dialect (a --dialect flag given as well wins over it).
  options.dialect = dialect;
  return { options, dialect };
}
