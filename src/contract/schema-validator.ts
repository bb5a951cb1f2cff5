import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { documents, getAtPointer, schemaDocumentById, type JsonObject } from './openapi-document.js';

/** One way in which a value breaks the contract. */
export interface Violation {
  /** Where: the request or response part at fault. */
  in: 'body' | 'path' | 'query' | 'header' | 'status' | 'content-type';
  /** JSON pointer inside that part (`/prompt`, `/result/url`); '' for the part as a whole. */
  path: string;
  /** The field a person would name: `prompt`, `result.url`, `Retry-After`, `id`. */
  param: string;
  /** A sentence about the field, without the field's name (`must be <= 20`). */
  message: string;
  /** The JSON Schema keyword (or `required`, `contentType`, `status`) that failed. */
  keyword: string;
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object on some setups.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ??
  addFormatsPlugin) as unknown as (ajv: Ajv2020) => void;

// Ajv finds each branch by its `status` const and rejects `discriminator.mapping`, which the spec
// keeps for OpenAPI tools (openapi-typescript, Prism) that need it.
function withoutDiscriminatorMappings(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDiscriminatorMappings);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator' && typeof value === 'object' && value !== null) {
      const { mapping: _mapping, ...rest } = value as Record<string, unknown>;
      out[key] = rest;
    } else out[key] = withoutDiscriminatorMappings(value);
  }
  return out;
}

function createAjv(coerceTypes: boolean): Ajv2020 {
  // strict: false because OpenAPI schemas carry `example`, `x-*` and `discriminator` keywords.
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    discriminator: true,
    verbose: true,
    validateSchema: false,
    coerceTypes,
  });
  addFormats(ajv);
  ajv.addSchema(withoutDiscriminatorMappings(documents.video) as object, 'video');
  ajv.addSchema(withoutDiscriminatorMappings(documents.admin) as object, 'admin');
  return ajv;
}

const strictAjv = createAjv(false);
// Parameters and headers arrive as strings: `limit=10` is an integer 10.
const coercingAjv = createAjv(true);
// By document, then pointer: the operations hand the same pointer strings each time, so a lookup
// hashes nothing new (a key built per call cost more than the validation it found).
const compiled = { strict: new Map<string, Map<string, ValidateFunction>>(), coercing: new Map<string, Map<string, ValidateFunction>>() };

/** Registers a dialect's document (`video-dialect-N`) with both Ajv instances the first time it is used. */
function ensureDocument(id: string): void {
  if (strictAjv.getSchema(id) !== undefined) return;
  const document = withoutDiscriminatorMappings(schemaDocumentById(id)) as object;
  strictAjv.addSchema(document, id);
  coercingAjv.addSchema(document, id);
}

/**
 * The compiled validator of the schema at `pointer` in a document (`video`, `admin`, or a dialect's
 * `video-dialect-N`, an operation's `schemaDocument`); compiled once.
 */
export function schemaValidator(document: string, pointer: string, coerce = false): ValidateFunction {
  const byDocument = coerce ? compiled.coercing : compiled.strict;
  let byPointer = byDocument.get(document);
  if (byPointer === undefined) byDocument.set(document, (byPointer = new Map()));
  let validate = byPointer.get(pointer);
  if (validate === undefined) {
    ensureDocument(document);
    validate = (coerce ? coercingAjv : strictAjv).compile({ $ref: `${document}${pointer}` });
    byPointer.set(pointer, validate);
  }
  return validate;
}

export function schemaAt(document: 'video' | 'admin', pointer: string): JsonObject | undefined {
  return getAtPointer(documents[document], pointer) as JsonObject | undefined;
}

const pointerToParam = (pointer: string): string =>
  pointer
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');

function describe(error: ErrorObject): { path: string; message: string } {
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as JsonObject;
  switch (error.keyword) {
    case 'required':
      return { path: `${error.instancePath}/${String(params['missingProperty'])}`, message: 'is required' };
    case 'enum':
      return {
        path: error.instancePath,
        message: `must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`,
      };
    case 'const':
      return { path: error.instancePath, message: `must be ${JSON.stringify(params['allowedValue'])}` };
    case 'type':
      return { path: error.instancePath, message: `must be of type ${String(params['type']).replace(',', ' or ')}` };
    case 'minLength':
      if (params['limit'] === 1) return { path: error.instancePath, message: 'must not be empty' };
      return { path: error.instancePath, message: `must be at least ${String(params['limit'])} characters long` };
    case 'maxLength':
      return { path: error.instancePath, message: `must be at most ${String(params['limit'])} characters long` };
    case 'pattern': {
      const description = parent['x-pattern-description'];
      return {
        path: error.instancePath,
        message: typeof description === 'string' ? description : `must match the pattern ${String(params['pattern'])}`,
      };
    }
    case 'format':
      return { path: error.instancePath, message: `must be a valid ${String(params['format'])}` };
    case 'discriminator':
      return {
        path: `${error.instancePath}/${String(params['tag'])}`,
        message:
          params['error'] === 'tag'
            ? 'is required and must be a string'
            : `has an unknown value ${JSON.stringify(params['tagValue'])}`,
      };
    case 'false schema':
      // A field the dialect does not have (`created` where only `created_at` is sent, say).
      return { path: error.instancePath, message: 'must be absent (the dialect has no such field)' };
    case 'additionalProperties':
      return {
        path: `${error.instancePath}/${String(params['additionalProperty'])}`,
        message: 'is not a known field',
      };
    default:
      return { path: error.instancePath, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** Turns Ajv's errors into violations, most specific first, one per field and keyword. */
export function toViolations(
  errors: readonly ErrorObject[] | null | undefined,
  where: Violation['in'],
  paramPrefix = '',
): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const error of errors ?? []) {
    // oneOf/anyOf/if summaries repeat what their branches already said.
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const { path, message } = describe(error);
    const param = paramPrefix + pointerToParam(path);
    const key = `${path}|${error.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ in: where, path, param: param === '' ? where : param, message, keyword: error.keyword });
  }
  // Deeper (more specific) fields first, so the first violation names the leaf at fault.
  return out.sort((a, b) => b.path.split('/').length - a.path.split('/').length);
}
