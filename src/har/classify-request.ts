import { matchOperation } from '../contract/openapi-document.js';

export interface RequestKind {
  /** The spec's operationId (`createVideo`, `getJob`, ...), `cancelJob` for the two cancel routes the sources name, or null. */
  operationId: string | null;
  /** The job named in the path, if any. */
  jobId: string | null;
}

// The cancel routes some sources name (Node SDK: DELETE /v1/jobs/{id}; docs: POST /v1/jobs/{id}/cancel)
// and the spec may not define: a recording must still tell them apart.
const CANCEL_ROUTES: ReadonlyArray<[string, RegExp]> = [
  ['DELETE', /^\/v1\/jobs\/([^/]+)$/],
  ['POST', /^\/v1\/jobs\/([^/]+)\/cancel$/],
];

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** What a request is, by the spec's paths: its operation and the job its path names. */
export function classifyRequest(method: string, pathname: string): RequestKind {
  const match = matchOperation(method.toUpperCase() === 'HEAD' ? 'GET' : method, pathname);
  if (match.operation !== null) {
    const params = match.pathParams;
    return { operationId: match.operation.operationId, jobId: params['id'] ?? params['job_id'] ?? null };
  }
  for (const [routeMethod, pattern] of CANCEL_ROUTES) {
    const found = pattern.exec(pathname);
    if (found !== null && method.toUpperCase() === routeMethod) return { operationId: 'cancelJob', jobId: decode(found[1] as string) };
  }
  return { operationId: null, jobId: null };
}
