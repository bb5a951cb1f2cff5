import { createHash } from 'node:crypto';
import type { SchemaVideoGenerationRequest } from '../../generated/api.js';
import type { Outcome, OutcomeError } from '../outcome.js';

/** The inputs of an adapter (docs/conformance.md, "The adapter contract"). */
export interface AdapterInputs {
  baseURL: string;
  apiKey: string;
  request: SchemaVideoGenerationRequest;
  /** Wait for this job instead of creating one. */
  jobId: string | null;
  /** The overall wait the SDK is given, when the scenario states one. */
  waitTimeoutMs: number | null;
}

export function readInputs(env: Readonly<Record<string, string | undefined>> = process.env): AdapterInputs {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`${name} is not set`);
    return value;
  };
  const timeout = env['AIGATEWAY_WAIT_TIMEOUT_MS'];
  return {
    baseURL: need('AIGATEWAY_BASE_URL'),
    apiKey: need('AIGATEWAY_API_KEY'),
    request: JSON.parse(need('AIGATEWAY_VIDEO_REQUEST')) as SchemaVideoGenerationRequest,
    jobId: env['AIGATEWAY_JOB_ID'] ?? null,
    waitTimeoutMs: timeout === undefined || timeout === '' ? null : Number(timeout),
  };
}

export const describeVideo = (bytes: Uint8Array): { size: number; sha256: string } => ({
  size: bytes.byteLength,
  sha256: createHash('sha256').update(bytes).digest('hex'),
});

/** The outcome line: one JSON object, last on stdout. */
export function printOutcome(outcome: Outcome): void {
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

export const otherError = (error: unknown): OutcomeError => ({
  kind: 'other',
  message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
});
