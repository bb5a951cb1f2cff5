import { errorCatalog } from '../../src/contract/error-catalog.js';
import { schemaValidator } from '../../src/contract/schema-validator.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { getOperation } from '../../src/contract/openapi-document.js';
import type { RawAnswer } from './raw-http.js';

const envelope = schemaValidator('video', '#/components/schemas/ErrorEnvelope');

/**
 * Why an error answer is not the API's error: not JSON, not the spec's envelope, a `type` that is
 * not the catalog's for the status, or (for a documented status) anything validateResponse finds.
 * Empty when it is a proper error.
 */
export function errorBodyProblems(answer: Pick<RawAnswer, 'status' | 'headers' | 'body'>, operationId: string | null = null): string[] {
  const problems: string[] = [];
  const contentType = answer.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(contentType)) problems.push(`content-type is '${contentType}'`);
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return [...problems, `body is not JSON: ${answer.body.slice(0, 120)}`];
  }
  if (!envelope(body)) problems.push(`not an ErrorEnvelope: ${JSON.stringify(envelope.errors?.slice(0, 2))}`);
  const type = (body as { error?: { type?: unknown } }).error?.type;
  const entry = answer.status === null ? undefined : errorCatalog.get(answer.status);
  if (entry !== undefined && type !== entry.type) problems.push(`type ${String(type)} for ${answer.status}, the catalog says ${entry.type}`);
  if (operationId !== null && answer.status !== null) {
    const documented = getOperation(operationId).responses.some((r) => r.status === String(answer.status));
    if (documented) problems.push(...validateResponse(operationId, answer.status, answer.headers, body).map((v) => `${v.param}: ${v.message}`));
  }
  return problems;
}
