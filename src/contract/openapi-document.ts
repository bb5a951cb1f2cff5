import { videoSpec, adminSpec } from '../generated/spec.js';
import { dialectKey, specIn } from './dialect-spec.js';
import { defaultDialect, type Dialect } from './dialects.js';

/** A plain JSON value of an OpenAPI document, walked without trusting its shape. */
export type JsonObject = Record<string, unknown>;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface OperationParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** JSON pointer of the parameter's schema inside its document. */
  schemaPointer: string;
}

export interface OperationResponseHeader {
  name: string;
  required: boolean;
  schemaPointer: string;
}

export interface OperationResponse {
  status: string;
  /** The components/responses name when the response is a $ref (the error catalog keys on it). */
  component: string | null;
  /** Pointer of the resolved response object. */
  pointer: string;
  headers: OperationResponseHeader[];
  /** Media type -> pointer of its schema. */
  content: Record<string, string>;
}

export interface Operation {
  document: 'video' | 'admin';
  /**
   * The id under which the validators know the operation's document: `video` and `admin`, or
   * `video-dialect-N` for the video API in a dialect other than the default (dialect-spec.ts).
   */
  schemaDocument: string;
  operationId: string;
  method: HttpMethod;
  pathTemplate: string;
  /** Matches a concrete path; named groups are the path parameters. */
  pathPattern: RegExp;
  parameters: OperationParameter[];
  /** Media type -> pointer of the request body schema. */
  requestBody: { required: boolean; content: Record<string, string> } | null;
  responses: OperationResponse[];
  /** False when the operation declares `security: []`. */
  needsAuth: boolean;
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a local JSON pointer (`#/a/b`) in a document. */
export function getAtPointer(document: JsonObject, pointer: string): unknown {
  const segments = pointer.replace(/^#\/?/, '').split('/').filter((s) => s.length > 0);
  let node: unknown = document;
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[segment];
    else return undefined;
  }
  return node;
}

/** Follows `$ref`s until a non-reference object; answers it and its pointer. */
export function resolve(document: JsonObject, pointer: string): { node: JsonObject; pointer: string } {
  let current = pointer;
  for (let hops = 0; hops < 16; hops++) {
    const node = getAtPointer(document, current);
    if (!isObject(node)) throw new Error(`OpenAPI document has nothing at ${current}`);
    const ref = node['$ref'];
    if (typeof ref !== 'string') return { node, pointer: current };
    current = ref;
  }
  throw new Error(`Too many $ref hops from ${pointer}`);
}

function pathPatternOf(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name !== undefined) return `(?<${name.replace(/[^A-Za-z0-9_]/g, '_')}>[^/]+)`;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

function contentPointers(document: JsonObject, pointer: string): Record<string, string> {
  const content = getAtPointer(document, `${pointer}/content`);
  const out: Record<string, string> = {};
  if (!isObject(content)) return out;
  for (const mediaType of Object.keys(content)) {
    out[mediaType] = `${pointer}/content/${escapePointer(mediaType)}/schema`;
  }
  return out;
}

function readOperations(document: JsonObject, name: Operation['document'], schemaDocument: string = name): Operation[] {
  const paths = document['paths'];
  if (!isObject(paths)) return [];
  const globalSecurity = document['security'];
  const operations: Operation[] = [];
  for (const [pathTemplate, pathItem] of Object.entries(paths)) {
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const op = pathItem[method];
      if (!isObject(op) || typeof op['operationId'] !== 'string') continue;
      const opPointer = `#/paths/${escapePointer(pathTemplate)}/${method}`;
      const rawParameters = [
        ...(Array.isArray(pathItem['parameters']) ? pathItem['parameters'] : []).map(
          (_: unknown, i: number) => `#/paths/${escapePointer(pathTemplate)}/parameters/${i}`,
        ),
        ...(Array.isArray(op['parameters']) ? op['parameters'] : []).map(
          (_: unknown, i: number) => `${opPointer}/parameters/${i}`,
        ),
      ];
      const parameters = rawParameters.map((p): OperationParameter => {
        const { node, pointer } = resolve(document, p);
        return {
          name: String(node['name']),
          in: node['in'] as OperationParameter['in'],
          required: node['required'] === true,
          schemaPointer: `${pointer}/schema`,
        };
      });
      let requestBody: Operation['requestBody'] = null;
      if (op['requestBody'] !== undefined) {
        const { node, pointer } = resolve(document, `${opPointer}/requestBody`);
        requestBody = { required: node['required'] === true, content: contentPointers(document, pointer) };
      }
      const responses: OperationResponse[] = [];
      const rawResponses = op['responses'];
      for (const status of isObject(rawResponses) ? Object.keys(rawResponses) : []) {
        const at = `${opPointer}/responses/${status}`;
        const ref = (getAtPointer(document, at) as JsonObject)['$ref'];
        const { node, pointer } = resolve(document, at);
        const headers: OperationResponseHeader[] = [];
        if (isObject(node['headers'])) {
          for (const headerName of Object.keys(node['headers'])) {
            const header = resolve(document, `${pointer}/headers/${escapePointer(headerName)}`);
            headers.push({
              name: headerName.toLowerCase(),
              required: header.node['required'] === true,
              schemaPointer: `${header.pointer}/schema`,
            });
          }
        }
        responses.push({
          status,
          component: typeof ref === 'string' ? (ref.split('/').pop() ?? null) : null,
          pointer,
          headers,
          content: contentPointers(document, pointer),
        });
      }
      const security = op['security'] ?? globalSecurity;
      const needsAuth =
        Array.isArray(security) && security.length > 0 && !security.some((s) => isObject(s) && Object.keys(s).length === 0);
      operations.push({
        document: name,
        schemaDocument,
        operationId: op['operationId'],
        method,
        pathTemplate,
        pathPattern: pathPatternOf(pathTemplate),
        parameters,
        requestBody,
        responses,
        needsAuth,
      });
    }
  }
  return operations;
}

export const documents = { video: videoSpec, admin: adminSpec } as const;

/** Every operation of both documents, read once. */
export const operations: readonly Operation[] = [
  ...readOperations(videoSpec, 'video'),
  ...readOperations(adminSpec, 'admin'),
];

const adminOperations = operations.filter((o) => o.document === 'admin');
const byDialect = new Map<string, readonly Operation[]>([[dialectKey(defaultDialect), operations]]);

/** Every operation as a dialect speaks the video API (its cancel routes, its 304), and the control API's. */
export function operationsIn(dialect: Dialect = defaultDialect): readonly Operation[] {
  const key = dialectKey(dialect);
  let found = byDialect.get(key);
  if (found === undefined) {
    // A URI-safe id of its own (Ajv resolves `$ref`s in it as URIs).
    const id = `video-dialect-${byDialect.size}`;
    const spec = specIn(dialect);
    specsById.set(id, spec);
    found = [...readOperations(spec, 'video', id), ...adminOperations];
    byDialect.set(key, found);
  }
  return found;
}

/** The document an operation was read from (the dialect's, for the video API). */
export function documentOf(operation: Operation): JsonObject {
  if (operation.document === 'admin') return adminSpec;
  return operation.schemaDocument === 'video' ? videoSpec : specOfSchemaDocument(operation.schemaDocument);
}

const specsById = new Map<string, JsonObject>();
function specOfSchemaDocument(id: string): JsonObject {
  const spec = specsById.get(id);
  if (spec === undefined) throw new Error(`No document '${id}': read its operations with operationsIn first`);
  return spec;
}

/** The document behind a `schemaDocument` id (`video`, `admin`, `video-dialect-N`), for the validators. */
export function schemaDocumentById(id: string): JsonObject {
  if (id === 'video') return videoSpec;
  if (id === 'admin') return adminSpec;
  return specOfSchemaDocument(id);
}

/** Throws when the operation is not in the documents (or not in this dialect). */
export function getOperation(operationId: string, dialect: Dialect = defaultDialect): Operation {
  const op = operationsIn(dialect).find((o) => o.operationId === operationId);
  if (op === undefined) {
    const elsewhere = operations.some((o) => o.operationId === operationId);
    throw new Error(elsewhere ? `The dialect ${dialect.name} has no operation '${operationId}'` : `No operation '${operationId}' in the OpenAPI documents`);
  }
  return op;
}

/** The operation, or null when the dialect lacks it (a cancel route the dialect does not serve). */
export const findOperation = (operationId: string, dialect: Dialect = defaultDialect): Operation | null =>
  operationsIn(dialect).find((o) => o.operationId === operationId) ?? null;

/** Percent escapes decoded, or the text as it came when they are malformed. */
export function decodeOrKeep(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Finds the operation a method and path name in a dialect, and its path parameters. */
export function matchOperation(
  method: string,
  path: string,
  dialect: Dialect = defaultDialect,
): { operation: Operation; pathParams: Record<string, string> } | { operation: null; allowed: HttpMethod[] } {
  const lower = method.toLowerCase();
  const allowed: HttpMethod[] = [];
  for (const operation of operationsIn(dialect)) {
    const match = operation.pathPattern.exec(path);
    if (match === null) continue;
    if (operation.method !== lower) {
      allowed.push(operation.method);
      continue;
    }
    const pathParams: Record<string, string> = {};
    const groups = match.groups ?? {};
    for (const key in groups) pathParams[key] = decodeOrKeep(groups[key] as string);
    return { operation, pathParams };
  }
  return { operation: null, allowed };
}

/** The schema extension values the contract reads (`x-...`), with their owner. */
export function extension<T = unknown>(document: JsonObject, pointer: string, name: string): T | undefined {
  const node = getAtPointer(document, pointer);
  return isObject(node) ? (node[name] as T | undefined) : undefined;
}
