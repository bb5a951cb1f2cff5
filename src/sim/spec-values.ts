import {
  jobErrorCodeValues,
  type SchemaAspectRatio,
  type SchemaJobErrorCode,
  type SchemaResolutionTier,
} from '../generated/api.js';
import { videoSpec } from '../generated/spec.js';
import { getAtPointer } from '../contract/openapi-document.js';

// Values the simulation takes from the spec rather than restating them.
const schemas = '#/components/schemas';
const requestField = (field: string, keyword: string): unknown =>
  getAtPointer(videoSpec, `${schemas}/VideoGenerationRequest/properties/${field}/${keyword}`);
const required = <T>(value: unknown, what: string): T => {
  if (value === undefined) throw new Error(`The spec lacks ${what}`);
  return value as T;
};

export const defaultDuration = required<number>(requestField('duration', 'default'), 'a default duration');
export const defaultAspectRatio = required<SchemaAspectRatio>(
  getAtPointer(videoSpec, `${schemas}/AspectRatio/default`),
  'a default aspect ratio',
);
export const defaultResolution = required<SchemaResolutionTier>(
  getAtPointer(videoSpec, `${schemas}/ResolutionTier/default`),
  'a default resolution',
);

const failureMessages = required<Record<string, string>>(
  getAtPointer(videoSpec, `${schemas}/JobErrorCode/x-failure-messages`),
  'x-failure-messages on JobErrorCode',
);
export const failureCodes: readonly SchemaJobErrorCode[] = jobErrorCodeValues;
export const failureMessage = (code: string): string => failureMessages[code] ?? code;

const keyPattern = getAtPointer(videoSpec, '#/components/securitySchemes/bearerAuth/x-key-pattern');
/** The API key format the gateway documents (`sk-aig-...`). */
export const apiKeyPattern = new RegExp(required<string>(keyPattern, 'x-key-pattern on bearerAuth'));

/** The durations a request may ask for, in seconds (`duration`'s minimum and maximum). */
export const durationRange = {
  min: required<number>(requestField('duration', 'minimum'), 'a minimum duration'),
  max: required<number>(requestField('duration', 'maximum'), 'a maximum duration'),
} as const;

export { cancelledErrorCode } from '../contract/job-status.js';
