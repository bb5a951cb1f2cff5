import { answer, errorAnswer } from '../answers.js';
import type { SimRequest } from '../exchange.js';
import { MEDIA_FILENAME } from '../job-view.js';
import { phaseOf } from '../lifecycle.js';
import { parseRange, videoFor } from '../media.js';
import { frameSizeOf } from '../resolution.js';
import { liveJob } from './get-job.js';
import { shorten, type OperationHandler } from './operation-handler.js';

/** `GET /v1/files/jobs/{job_id}/{filename}`: a completed job's video, whole or a byte range; no key needed. */
export const downloadJobMedia: OperationHandler = async (ctx, pathParams) => {
  const { nowMs, request } = ctx;
  // As for getJob, ids the schema rejects name no file: the lookup answers the documented 404.
  const jobId = pathParams['job_id'] ?? '';
  const filename = pathParams['filename'] ?? '';
  const job = await liveJob(ctx.core, jobId, nowMs, ctx.namedJob);
  if (job === null || filename !== MEDIA_FILENAME || phaseOf(job, nowMs).status !== 'completed') {
    return errorAnswer(404, { vars: { what: `File '${shorten(jobId)}/${shorten(filename)}'` }, code: 'file_not_found', param: job === null ? 'job_id' : 'filename' });
  }
  const bytes = videoFor({ duration: job.duration, ...frameSizeOf(job.aspectRatio, job.resolution) });
  const size = bytes.byteLength;
  const range = parseRange(rangeToServe(ctx.method, request.headers), size);
  const common = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=86400' };
  const head = ctx.method === 'HEAD';
  if (range.kind === 'unsatisfiable') {
    return errorAnswer(416, { vars: { range: request.headers['range'] ?? '', size }, param: 'Range' }, { 'content-range': `bytes */${size}` });
  }
  if (range.kind === 'partial') {
    const slice = bytes.subarray(range.start, range.end + 1);
    return answer(206, head ? { kind: 'none' } : { kind: 'bytes', data: slice }, {
      ...common,
      'content-length': String(slice.byteLength),
      'content-range': `bytes ${range.start}-${range.end}/${size}`,
    });
  }
  return answer(200, head ? { kind: 'none' } : { kind: 'bytes', data: bytes }, { ...common, 'content-length': String(size) });
};

/**
 * The Range header a media request should be served by, or undefined to send the whole file
 * (RFC 9110 section 14.2: a server MUST ignore Range for a method other than GET, so HEAD answers
 * 200; section 13.1.5: when If-Range does not match the representation, it MUST ignore Range).
 * The mock's files carry no validator (no ETag, no Last-Modified), so no If-Range ever matches.
 */
function rangeToServe(method: string, headers: SimRequest['headers']): string | undefined {
  if (method !== 'GET') return undefined;
  if (headers['if-range'] !== undefined) return undefined;
  return headers['range'];
}
