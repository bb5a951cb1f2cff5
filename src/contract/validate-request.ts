import { getOperation } from './openapi-document.js';
import { schemaValidator, toViolations, type Violation } from './schema-validator.js';

export interface RequestInput {
  pathParams?: Record<string, string>;
  query?: Record<string, string | string[] | undefined>;
  headers?: Record<string, string | undefined>;
  /** The parsed JSON body; `undefined` when there was none. */
  body?: unknown;
  /** The request's Content-Type, as sent (parameters allowed). */
  contentType?: string | null;
}

const mediaTypeOf = (contentType: string | null | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * Checks a request against its operation in the spec: parameters, content type, body.
 * Answers no violations for a valid request.
 */
export function validateRequest(operationId: string, input: RequestInput): Violation[] {
  const operation = getOperation(operationId);
  const violations: Violation[] = [];
  for (const parameter of operation.parameters) {
    if (parameter.in === 'cookie') continue;
    const source =
      parameter.in === 'path' ? input.pathParams : parameter.in === 'query' ? input.query : input.headers;
    const key = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
    const raw = source?.[key];
    if (raw === undefined) {
      if (parameter.required) {
        violations.push({ in: parameter.in, path: '', param: parameter.name, message: 'is required', keyword: 'required' });
      }
      continue;
    }
    const holder = { value: Array.isArray(raw) ? raw[raw.length - 1] : raw };
    const validate = schemaValidator(operation.schemaDocument, parameter.schemaPointer, true);
    if (!validate(holder.value)) {
      violations.push(
        ...toViolations(validate.errors, parameter.in).map((v) => ({ ...v, param: parameter.name })),
      );
    }
  }
  const body = operation.requestBody;
  if (body !== null) {
    const hasBody = input.body !== undefined;
    const mediaType = mediaTypeOf(input.contentType);
    const schemaPointer = body.content[mediaType];
    if (hasBody && schemaPointer === undefined) {
      violations.push({
        in: 'content-type',
        path: '',
        param: 'Content-Type',
        message: `must be one of: ${Object.keys(body.content).join(', ')}`,
        keyword: 'contentType',
      });
    } else if (!hasBody) {
      if (body.required) {
        violations.push({ in: 'body', path: '', param: 'body', message: 'is required', keyword: 'required' });
      }
    } else if (schemaPointer !== undefined) {
      const validate = schemaValidator(operation.schemaDocument, schemaPointer);
      if (!validate(input.body)) violations.push(...toViolations(validate.errors, 'body'));
    }
  }
  return violations;
}
