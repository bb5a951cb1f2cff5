import { matchOperation } from '../contract/openapi-document.js';

export interface RequestKind {
  /** The spec's operationId (`createVideo`, `getJob`, `deleteJob` and `cancelJob` for the two cancel routes, ...), or null. */
  operationId: string | null;
  /** The job named in the path, if any. */
  jobId: string | null;
}

/**
 * What a request is, by the spec's paths: its operation and the job its path names. The spec's own
 * dialect (`union`) has every route any source names, both cancel routes included, so a recording of
 * any gateway is classified by it.
 */
export function classifyRequest(method: string, pathname: string): RequestKind {
  const match = matchOperation(method.toUpperCase() === 'HEAD' ? 'GET' : method, pathname);
  if (match.operation === null) return { operationId: null, jobId: null };
  const params = match.pathParams;
  return { operationId: match.operation.operationId, jobId: params['id'] ?? params['job_id'] ?? null };
}
