import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { Change } from '../src/sim/memory-store.js';

// What one line of a state file holds, checked before it is replayed: a record that parses but is
// not one (`null`, `{}`, a job without its id) is a damaged file, named with its line, never a
// TypeError deep in the core nor a silent drop.

const integer = { type: 'integer', minimum: 0 } as const;
const number = { type: 'number' } as const;
const text = { type: 'string' } as const;

const job = {
  type: 'object',
  required: [
    'id', 'key', 'model', 'duration', 'aspectRatio', 'resolution', 'createdMs', 'costCents', 'outcome', 'failure', 'timing',
    'queuedMs', 'processingMs', 'processingPolls', 'polls', 'stepUpdatedMs', 'lastPollMs', 'refunded', 'webhook',
  ],
  properties: {
    id: { type: 'string', minLength: 1 },
    key: text,
    model: text,
    duration: { type: 'integer', minimum: 1 },
    aspectRatio: text,
    resolution: text,
    createdMs: number,
    costCents: integer,
    outcome: { enum: ['completed', 'failed'] },
    failure: { type: ['string', 'null'] },
    timing: { enum: ['realtime', 'steps'] },
    queuedMs: number,
    processingMs: number,
    processingPolls: integer,
    polls: integer,
    stepUpdatedMs: number,
    lastPollMs: { type: ['number', 'null'] },
    refunded: { type: 'boolean' },
    webhook: {
      oneOf: [
        { type: 'null' },
        { type: 'object', required: ['url', 'origin', 'done'], properties: { url: text, origin: text, done: { type: 'boolean' } } },
      ],
    },
  },
} as const;

const account = {
  type: 'object',
  required: ['key', 'balanceCents', 'spentCents', 'refundedCents', 'seq'],
  properties: {
    key: text,
    balanceCents: integer,
    spentCents: integer,
    refundedCents: integer,
    seq: integer,
  },
} as const;

const change = {
  type: 'object',
  required: ['t'],
  discriminator: { propertyName: 't' },
  oneOf: [
    { properties: { t: { const: 'reset' } } },
    { properties: { t: { const: 'keys' }, secret: { type: 'string', minLength: 1 } }, required: ['secret'] },
    { properties: { t: { const: 'clock' }, offsetMs: number }, required: ['offsetMs'] },
    { properties: { t: { const: 'job' }, job }, required: ['job'] },
    { properties: { t: { const: 'job-' }, id: text }, required: ['id'] },
    { properties: { t: { const: 'account' }, account }, required: ['account'] },
    { properties: { t: { const: 'account-' }, key: text }, required: ['key'] },
  ],
} as const;

/** One line of a state file: what one unit of work (a request, a webhook hand-out; or one compaction chunk) changed, whole. */
export interface StateRecord {
  changes: Change[];
}

const validate = new Ajv2020({ discriminator: true, allErrors: false }).compile<StateRecord>({
  type: 'object',
  required: ['changes'],
  properties: { changes: { type: 'array', items: change } },
});

const describe = (error: ErrorObject | undefined): string =>
  error === undefined ? 'not a record' : `${error.instancePath === '' ? 'the record' : error.instancePath} ${error.message ?? 'is invalid'}`;

/** The record, or why the value is none. */
export function readStateRecord(value: unknown): { ok: true; record: StateRecord } | { ok: false; reason: string } {
  return validate(value) ? { ok: true, record: value } : { ok: false, reason: describe(validate.errors?.[0]) };
}

/** The first line of every state file (format 2: one record per line, one line per unit of work). */
export const STATE_FILE_HEADER = { format: 'aigw-video-kit/state', version: 2 } as const;
