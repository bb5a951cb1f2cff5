import { defaultDialect, type Dialect } from './dialects.js';
import { findOperation } from './openapi-document.js';
import { schemaValidator, toViolations, type Violation } from './schema-validator.js';

export type HeaderSource = Headers | Record<string, string | string[] | number | undefined>;

function headerGetter(headers: HeaderSource): (name: string) => string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    const h = headers as Headers;
    return (name) => h.get(name) ?? undefined;
  }
  const lower = new Map(
    Object.entries(headers as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v] as const),
  );
  return (name) => {
    const value = lower.get(name.toLowerCase());
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  };
}

/**
 * Checks a response against its operation in the spec, as the dialect it is meant to be in speaks it
 * (default: the spec's own, `union`): documented status, content type, required headers and their
 * values, body schema. Answers no violations for a conforming response. `body` is the parsed JSON (or
 * anything, for non-JSON media types, which are not inspected).
 */
export function validateResponse(
  operationId: string,
  status: number,
  headers: HeaderSource,
  body: unknown,
  dialect: Dialect = defaultDialect,
): Violation[] {
  const operation = findOperation(operationId, dialect);
  if (operation === null) {
    return [{ in: 'status', path: '', param: 'status', message: `${operationId} is not an operation of the dialect ${dialect.name}`, keyword: 'status' }];
  }
  const response = operation.responses.find((r) => r.status === String(status));
  if (response === undefined) {
    return [
      {
        in: 'status',
        path: '',
        param: 'status',
        message: `${status} is not documented for ${operationId} (documented: ${operation.responses.map((r) => r.status).join(', ')})`,
        keyword: 'status',
      },
    ];
  }
  const get = headerGetter(headers);
  const violations: Violation[] = [];
  for (const header of response.headers) {
    const value = get(header.name);
    if (value === undefined) {
      if (header.required) {
        violations.push({ in: 'header', path: '', param: header.name, message: 'is required', keyword: 'required' });
      }
      continue;
    }
    const validate = schemaValidator(operation.schemaDocument, header.schemaPointer, true);
    if (!validate(value)) {
      violations.push(...toViolations(validate.errors, 'header').map((v) => ({ ...v, param: header.name })));
    }
  }
  const mediaTypes = Object.keys(response.content);
  if (mediaTypes.length > 0) {
    const contentType = (get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const schemaPointer = response.content[contentType];
    if (schemaPointer === undefined) {
      violations.push({
        in: 'content-type',
        path: '',
        param: 'Content-Type',
        message: `'${contentType}' is not one of: ${mediaTypes.join(', ')}`,
        keyword: 'contentType',
      });
    } else if (contentType.endsWith('json')) {
      const validate = schemaValidator(operation.schemaDocument, schemaPointer);
      if (!validate(body)) violations.push(...toViolations(validate.errors, 'body'));
    }
  }
  return violations;
}
