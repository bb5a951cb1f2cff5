import type { SchemaErrorEnvelope, SchemaErrorType } from '../generated/api.js';
import { defaultDialect, type Dialect } from './dialects.js';
import { dialectKey } from './dialect-spec.js';
import { documentOf, getAtPointer, operationsIn, resolve, type JsonObject } from './openapi-document.js';

/** Everything needed to answer one error status, read from the spec's components/responses. */
export interface ErrorCatalogEntry {
  status: number;
  /** The components/responses name, e.g. `TooManyRequests`. */
  component: string;
  type: SchemaErrorType;
  /** The default `error.code`. */
  code: string;
  /** `{name}` placeholders are filled from the values passed to `errorEnvelope`. */
  messageTemplate: string;
  retryable: boolean;
  /** Lower-case names of the headers the spec requires on this response. */
  requiredHeaders: string[];
}

export type ErrorStatus = 400 | 401 | 402 | 404 | 413 | 415 | 416 | 429 | 500 | 503;

function readCatalog(name: 'video' | 'admin', dialect: Dialect): Map<number, ErrorCatalogEntry> {
  const catalog = new Map<number, ErrorCatalogEntry>();
  for (const operation of operationsIn(dialect)) {
    if (operation.document !== name) continue;
    const document = documentOf(operation);
    for (const response of operation.responses) {
      const status = Number(response.status);
      if (response.component === null || status < 400 || catalog.has(status)) continue;
      const node = getAtPointer(document, response.pointer) as JsonObject;
      // The control API shares the video API's errors; it adds only those that carry their own code.
      if (name === 'admin' && node['x-error-code'] === undefined) continue;
      const schemaPointer = response.content['application/json'];
      if (schemaPointer === undefined) throw new Error(`Error response ${response.component} has no JSON body`);
      const schema = resolve(document, schemaPointer).node;
      const type = getAtPointer(schema, '#/properties/error/properties/type/const');
      const template = node['x-message-template'];
      const code = node['x-error-code'];
      if (typeof type !== 'string' || typeof template !== 'string' || typeof code !== 'string') {
        throw new Error(`Error response ${response.component} lacks a type const, x-message-template or x-error-code`);
      }
      catalog.set(status, {
        status,
        component: response.component,
        type: type as SchemaErrorType,
        code,
        messageTemplate: template,
        retryable: node['x-retryable'] === true,
        requiredHeaders: response.headers.filter((h) => h.required).map((h) => h.name),
      });
    }
  }
  return catalog;
}

/** Status -> error entry, for every error status the video API documents (in the default dialect). */
export const errorCatalog: ReadonlyMap<number, ErrorCatalogEntry> = readCatalog('video', defaultDialect);

/** The errors only the mock's control API answers (403), from openapi/mock-admin.yaml. */
export const controlErrorCatalog: ReadonlyMap<number, ErrorCatalogEntry> = new Map(
  [...readCatalog('admin', defaultDialect)].filter(([status]) => !errorCatalog.has(status)),
);

const catalogs = new Map<string, ReadonlyMap<number, ErrorCatalogEntry>>([[dialectKey(defaultDialect), errorCatalog]]);

/** The catalog as a dialect speaks it: the same statuses, each with the dialect's `error.type`. */
export function errorCatalogIn(dialect: Dialect): ReadonlyMap<number, ErrorCatalogEntry> {
  const key = dialectKey(dialect);
  let catalog = catalogs.get(key);
  if (catalog === undefined) catalogs.set(key, (catalog = readCatalog('video', dialect)));
  return catalog;
}

export function errorEntry(status: number, dialect: Dialect = defaultDialect): ErrorCatalogEntry {
  const entry = errorCatalogIn(dialect).get(status) ?? controlErrorCatalog.get(status);
  if (entry === undefined) throw new Error(`The spec documents no error response for status ${status}`);
  return entry;
}

export interface ErrorDetails {
  /** Replaces the template's message entirely. */
  message?: string;
  /** Values for the template's `{placeholders}`. */
  vars?: Record<string, string | number>;
  code?: string;
  param?: string | null;
}

export function fillTemplate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The spec's error envelope for a status, in a dialect (default: the spec's own). */
export function errorEnvelope(status: number, details: ErrorDetails = {}, dialect: Dialect = defaultDialect): SchemaErrorEnvelope {
  const entry = errorEntry(status, dialect);
  return {
    error: {
      message: details.message ?? fillTemplate(entry.messageTemplate, details.vars),
      type: entry.type,
      code: details.code ?? entry.code,
      param: details.param ?? null,
    },
  };
}
