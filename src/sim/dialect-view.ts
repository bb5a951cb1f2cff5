import type { SchemaJob } from '../generated/api.js';
import type { DialectChoice, Dialect } from '../contract/dialects.js';
import { cancelledErrorCode, failureMessage } from './spec-values.js';

/** A job's body, or a webhook event's `data`: the fields the dialects disagree on are the same in both. */
type Body = Record<string, unknown>;

/** Where the shaping happens: a job answered by the API, or the `data` of its webhook event. */
type Place = 'job' | 'event';

type Shaper = (body: Body, place: Place) => void;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

// One table per point that changes a body, a shaper per choice: a choice added to the spec is a
// compile error here until it says what it does. The spec's own choices (`union`) change nothing.
const timeFields: Record<DialectChoice<'time-fields'>, Shaper> = {
  both: () => undefined,
  created: (job, place) => {
    if (place === 'job') drop(job, 'created_at', 'updated_at');
  },
  created_at: (job, place) => {
    if (place === 'job') drop(job, 'created');
  },
  none: (job, place) => {
    if (place === 'job') drop(job, 'created', 'created_at', 'updated_at');
  },
};

const resultLocation: Record<DialectChoice<'result-location'>, Shaper> = {
  'result.url+result_url': () => undefined,
  // A webhook event's `result_url` is the event's own field (the docs pages' payload): it stays.
  'result.url': (body, place) => {
    if (place === 'job') drop(body, 'result_url');
  },
  result_url: (body) => {
    if (!isObject(body['result'])) return;
    body['result_url'] ??= body['result']['url'];
    drop(body, 'result');
  },
  'result.file_url': (body, place) => {
    const result = body['result'];
    if (!isObject(result)) return;
    const { url, ...rest } = result;
    body['result'] = { file_url: url, ...rest };
    if (place === 'job') drop(body, 'result_url');
  },
};

const statuses: Record<DialectChoice<'statuses'>, Shaper> = {
  'model-page+cancelled': () => undefined,
  'model-page': (body) => {
    if (body['status'] !== 'cancelled') return;
    body['status'] = 'failed';
    body['error'] = { code: cancelledErrorCode, message: failureMessage(cancelledErrorCode) };
  },
  docs: (body) => {
    if (body['status'] === 'processing') body['status'] = 'running';
  },
};

const failedError: Record<DialectChoice<'failed-error'>, Shaper> = {
  object: () => undefined,
  string: (body) => {
    const error = body['error'];
    if (isObject(error) && typeof error['message'] === 'string') body['error'] = error['message'];
  },
};

function drop(body: Body, ...fields: string[]): void {
  for (const field of fields) delete body[field];
}

/** In the spec's order of the points: a cancelled job becomes `failed` before its error becomes a string. */
function shape(body: Body, dialect: Dialect, place: Place): void {
  timeFields[dialect.choices['time-fields']](body, place);
  resultLocation[dialect.choices['result-location']](body, place);
  statuses[dialect.choices.statuses](body, place);
  failedError[dialect.choices['failed-error']](body, place);
}

/**
 * The job as a dialect answers it, from the spec's own shape (`union`): fewer time fields, the result
 * where the dialect puts it, its status names, the failed job's error as an object or a string. The
 * body is valid against the dialect's Job schema (`validateResponse(..., dialect)`). The job given is
 * shaped in place (`unionJobView` makes a new one per answer), so nobody else may hold it.
 */
export function speakJob(job: SchemaJob, dialect: Dialect): Body {
  const body: Body = job;
  shape(body, dialect, 'job');
  return body;
}

/** A webhook event's `data` as the dialect shows the job: the result's place, the status, the error. */
export function speakEventData(data: Body, dialect: Dialect): Body {
  const body: Body = structuredClone(data);
  shape(body, dialect, 'event');
  return body;
}
