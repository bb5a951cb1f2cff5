import type { SchemaCompletedJob, SchemaJob } from '../generated/api.js';
import { cancelledErrorCode } from '../contract/job-status.js';

// The gateway's sources disagree on where a job keeps some things (x-dialects in the spec); these read
// them wherever the gateway put them, so code using the client works in every dialect.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a completed job's video is: `result.url` (model page), `result.file_url` (docs pages) or `result_url` (Node SDK). */
export function resultUrlOf(job: SchemaCompletedJob | SchemaJob): string | null {
  const body = job as unknown as Record<string, unknown>;
  const result = isObject(body['result']) ? body['result'] : null;
  for (const url of [result?.['url'], result?.['file_url'], body['result_url']]) if (typeof url === 'string') return url;
  return null;
}

/** Why a failed job failed: its error's code (null where the gateway sends the error as a string) and message. */
export function failureOf(job: SchemaJob): { code: string | null; message: string } {
  const error = (job as unknown as Record<string, unknown>)['error'];
  if (typeof error === 'string') return { code: null, message: error };
  if (isObject(error)) return { code: typeof error['code'] === 'string' ? error['code'] : null, message: typeof error['message'] === 'string' ? error['message'] : 'no message' };
  return { code: null, message: 'no error given' };
}

/** Cancelled: `cancelled` (docs pages), or `failed` with error code `cancelled` where the statuses lack it. */
export function isCancelled(job: SchemaJob): boolean {
  return job.status === 'cancelled' || (job.status === 'failed' && failureOf(job).code === cancelledErrorCode);
}
