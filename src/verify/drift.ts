import { errorEntry } from '../contract/error-catalog.js';
import { jobStatusValues } from '../generated/api.js';
import type { Exchange } from './exchange.js';

// The model page's variants are the spec's (the spec follows the model page).
const RATE_LIMIT_TYPE = errorEntry(429).type;
const AUTH_TYPE = errorEntry(401).type;

/**
 * The points where the gateway's public sources disagree (shared/reference/aigateway-sources.md,
 * "Where they disagree"). The suite observes which variant a target follows; it never assumes one.
 */
export const DRIFT_POINTS = [
  { id: 'create_status', point: 'create status code' },
  { id: 'creation_time_field', point: 'creation time field' },
  { id: 'result_location', point: 'result location' },
  { id: 'status_values', point: 'status values' },
  { id: 'rate_limit_type', point: '429 error type' },
  { id: 'auth_error_type', point: '401 error type' },
  { id: 'cancel', point: 'cancel' },
  { id: 'remix_source', point: 'source video for remix' },
] as const;

export type DriftPointId = (typeof DRIFT_POINTS)[number]['id'];

/** One variant seen, and the sources that describe it. */
export interface DriftObservation {
  variant: string;
  sources: string;
  evidence: string;
}

export interface DriftRow {
  id: DriftPointId;
  point: string;
  /** What the target did; empty when nothing showed it. */
  observed: DriftObservation[];
  /** `observed` summed up: the variant(s) and their sources, or `not observed`. */
  follows: string;
}

export interface DriftRecorder {
  observe(id: DriftPointId, variant: string, sources: string, evidence: string): void;
  /** Reads what an exchange shows (create statuses, job fields, error types). */
  observeExchange(exchange: Exchange): void;
  rows(): DriftRow[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createDriftRecorder(): DriftRecorder {
  const seen = new Map<DriftPointId, Map<string, DriftObservation>>();
  const observe = (id: DriftPointId, variant: string, sources: string, evidence: string): void => {
    let variants = seen.get(id);
    if (variants === undefined) seen.set(id, (variants = new Map()));
    if (!variants.has(variant)) variants.set(variant, { variant, sources, evidence });
  };
  const observeJob = (job: Record<string, unknown>, evidence: string): void => {
    const timeFields = ['created', 'created_at'].filter((f) => f in job);
    if (timeFields.length === 2) observe('creation_time_field', 'created and created_at', 'model page and Node SDK', evidence);
    else if (timeFields[0] === 'created') observe('creation_time_field', 'created', 'model page', evidence);
    else if (timeFields[0] === 'created_at') observe('creation_time_field', 'created_at', 'Node SDK', evidence);
    else observe('creation_time_field', 'none', 'published spec, docs pages', evidence);
    const status = job['status'];
    if (typeof status === 'string') {
      const docsOnly = status === 'running' || status === 'cancelled';
      const known = (jobStatusValues as readonly string[]).includes(status);
      if (docsOnly) observe('status_values', `'${status}' seen`, 'docs pages', evidence);
      else if (known) observe('status_values', `${jobStatusValues.join('/')} only`, 'model page, Node SDK', evidence);
      else observe('status_values', `'${status}' seen`, 'no source', evidence);
    }
    if (status === 'completed') {
      const result = isObject(job['result']) ? job['result'] : null;
      const places: string[] = [];
      if (typeof result?.['url'] === 'string') places.push('result.url');
      if (typeof job['result_url'] === 'string') places.push('result_url');
      if (typeof result?.['file_url'] === 'string') places.push('result.file_url');
      const sourceOf: Record<string, string> = { 'result.url': 'model page', result_url: 'Node SDK', 'result.file_url': 'docs pages' };
      if (places.length === 0) observe('result_location', 'none found', 'no source', evidence);
      else observe('result_location', places.join(' + '), places.map((p) => sourceOf[p]).join(' + '), evidence);
    }
  };
  return {
    observe,
    observeExchange(exchange) {
      const response = exchange.response;
      if (response === null) return;
      const body = response.body;
      const evidence = `${exchange.request.method} ${new URL(exchange.request.url).pathname} -> ${response.status}`;
      const forced = Object.keys(exchange.request.headers).includes('prefer') || exchange.request.url.includes('__code=');
      if (exchange.operationId === 'createVideo' && response.status >= 200 && response.status < 300 && !forced) {
        if (response.status === 202) observe('create_status', '202', 'published spec, docs pages (Node SDK: any 2xx)', evidence);
        else observe('create_status', String(response.status), 'Node SDK (any 2xx)', evidence);
        const sent = exchange.request.body;
        if (isObject(sent)) {
          for (const field of ['video_url', 'image_url'] as const) {
            if (typeof sent[field] === 'string') {
              observe('remix_source', `accepts ${field}`, field === 'image_url' ? 'Node SDK' : 'toolkit (no source names it)', evidence);
            }
          }
        }
      }
      if ((exchange.operationId === 'createVideo' || exchange.operationId === 'getJob') && response.status < 300 && isObject(body)) {
        observeJob(body, evidence);
      }
      const type = isObject(body) && isObject(body['error']) ? body['error']['type'] : undefined;
      if (typeof type === 'string' && response.status === 429) {
        const sources = type === RATE_LIMIT_TYPE ? 'model page' : type === 'rate_limited' ? 'docs pages' : 'no source';
        observe('rate_limit_type', type, sources, evidence);
      }
      if (typeof type === 'string' && response.status === 401) {
        const sources = type === AUTH_TYPE ? 'model page' : type === 'invalid_key' ? 'docs pages' : 'no source';
        observe('auth_error_type', type, sources, evidence);
      }
    },
    rows() {
      return DRIFT_POINTS.map(({ id, point }) => {
        let observed = [...(seen.get(id)?.values() ?? [])];
        // One status outside the four settles the row: "only the four" was true only until then.
        if (id === 'status_values' && observed.length > 1) observed = observed.filter((o) => !o.variant.endsWith(' only'));
        const follows = observed.length === 0 ? 'not observed' : observed.map((o) => `${o.variant} (${o.sources})`).join('; ');
        return { id, point, observed, follows };
      });
    },
  };
}
