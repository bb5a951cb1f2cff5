import fc from 'fast-check';
import { aspectRatioValues, resolutionTierValues, type SchemaVideoGenerationRequest } from '../generated/api.js';
import { defaultModels, isVideoModel } from '../contract/model-catalog.js';
import { documents, getAtPointer } from '../contract/openapi-document.js';
import { defaultAspectRatio, defaultDuration, defaultResolution } from '../sim/spec-values.js';
import type { Target } from './target.js';

const requestSchema = '#/components/schemas/VideoGenerationRequest/properties';

/** A value the spec states, read from the document rather than copied. */
export function specValue<T>(pointer: string): T {
  const value = getAtPointer(documents.video, pointer);
  if (value === undefined) throw new Error(`The spec has nothing at ${pointer}`);
  return value as T;
}

export const durationBounds = {
  min: specValue<number>(`${requestSchema}/duration/minimum`),
  max: specValue<number>(`${requestSchema}/duration/maximum`),
  default: defaultDuration,
};
export { defaultAspectRatio, defaultResolution };

const videoModels = defaultModels.filter(isVideoModel);
const firstModel = videoModels[0];
if (firstModel === undefined) throw new Error('fixtures/models.json lists no video model');
export const defaultModel = firstModel.id;

/** Prompts a live provider will not refuse; the mocks get arbitrary text. */
const safePrompts = ['a slow drone shot over a mountain lake', 'waves on a quiet beach at sunrise', 'a paper boat drifting down a stream'];

export const promptFor = (target: Pick<Target, 'costFree'>): fc.Arbitrary<string> =>
  target.costFree
    ? fc.string({ minLength: 1, maxLength: 120, unit: 'grapheme' }).filter((s) => /\S/.test(s))
    : fc.constantFrom(...safePrompts);

/** Durations a create may ask for: every valid one on a mock, only the shortest where jobs cost money. */
export const durationFor = (target: Pick<Target, 'costFree'>): fc.Arbitrary<number> =>
  target.costFree ? fc.integer({ min: durationBounds.min, max: durationBounds.max }) : fc.constant(durationBounds.min);

/**
 * https URLs: a host of one to three labels under a few TLDs, an optional port, path and query.
 * (fast-check's webUrl builds its domain grammar on first use, seconds of blocked event loop on a
 * loaded machine, long enough for a keep-alive socket to be closed under the suite's first request.)
 */
const httpsUrl: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('com', 'net', 'org', 'io', 'example'),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), { maxLength: 3 }),
    fc.option(fc.stringMatching(/^[a-z]{1,8}=[A-Za-z0-9]{0,8}$/), { nil: undefined }),
  )
  .map(([labels, tld, port, path, query]) => `https://${labels.join('.')}.${tld}${port === undefined ? '' : `:${port}`}/${path.join('/')}${query === undefined ? '' : `?${query}`}`);

/** Any request the spec accepts, for a model of the catalog. */
export function validRequest(target: Pick<Target, 'costFree'>): fc.Arbitrary<SchemaVideoGenerationRequest> {
  return fc.record(
    {
      model: fc.constantFrom(...videoModels.map((m) => m.id)),
      prompt: promptFor(target),
      duration: durationFor(target),
      aspect_ratio: fc.constantFrom(...aspectRatioValues),
      resolution: fc.constantFrom(...resolutionTierValues),
      image_url: httpsUrl,
      video_url: httpsUrl,
      webhook_url: httpsUrl,
    },
    // Where jobs cost money a duration is always sent: the default (5 s) would cost five times the shortest.
    { requiredKeys: target.costFree ? ['model', 'prompt'] : ['model', 'prompt', 'duration'] },
  );
}

/** One defect applied to a valid request; the target must refuse the result, naming `field`. */
export interface Defect {
  name: string;
  field: string;
  apply: (body: Record<string, unknown>) => void;
}

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({}));

export const defect: fc.Arbitrary<Defect> = fc.oneof(
  fc.constantFrom('model', 'prompt').map((field): Defect => ({ name: `missing ${field}`, field, apply: (b) => delete b[field] })),
  fc.constant<Defect>({ name: 'empty prompt', field: 'prompt', apply: (b) => (b['prompt'] = '') }),
  fc.stringMatching(/^[ \t\n\r]{1,8}$/).map((ws): Defect => ({ name: 'blank prompt', field: 'prompt', apply: (b) => (b['prompt'] = ws) })),
  fc.constant<Defect>({ name: 'empty model', field: 'model', apply: (b) => (b['model'] = '') }),
  fc.tuple(fc.constantFrom('model', 'prompt', 'aspect_ratio', 'resolution', 'image_url', 'video_url', 'webhook_url'), notAString).map(
    ([field, value]): Defect => ({ name: `${field} not a string`, field, apply: (b) => (b[field] = value) }),
  ),
  fc.oneof(fc.integer({ min: -1000, max: durationBounds.min - 1 }), fc.integer({ min: durationBounds.max + 1, max: 100_000 })).map(
    (d): Defect => ({ name: `duration ${d} out of range`, field: 'duration', apply: (b) => (b['duration'] = d) }),
  ),
  fc.double({ min: durationBounds.min, max: durationBounds.max, noInteger: true, noNaN: true }).map(
    (d): Defect => ({ name: `fractional duration ${d}`, field: 'duration', apply: (b) => (b['duration'] = d) }),
  ),
  fc.oneof(fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null)).map(
    (d): Defect => ({ name: 'duration not a number', field: 'duration', apply: (b) => (b['duration'] = d) }),
  ),
  fc.string({ maxLength: 8 }).filter((s) => !(aspectRatioValues as readonly string[]).includes(s)).map(
    (r): Defect => ({ name: `aspect ratio ${JSON.stringify(r)}`, field: 'aspect_ratio', apply: (b) => (b['aspect_ratio'] = r) }),
  ),
  fc.string({ maxLength: 8 }).filter((s) => !(resolutionTierValues as readonly string[]).includes(s)).map(
    (r): Defect => ({ name: `resolution ${JSON.stringify(r)}`, field: 'resolution', apply: (b) => (b['resolution'] = r) }),
  ),
  fc.tuple(fc.constantFrom('image_url', 'video_url', 'webhook_url'), fc.constantFrom('not a url', '', 'example.com/x', '/relative/path')).map(
    ([field, value]): Defect => ({ name: `${field} ${JSON.stringify(value)}`, field, apply: (b) => (b[field] = value) }),
  ),
);

/** Ids no job has: the target must answer 404, never 200 or 5xx. */
export const unknownJobId: fc.Arbitrary<string> = fc
  .stringMatching(/^[A-Za-z0-9_-]{1,40}$/)
  .map((s) => `job_doesnotexist_${s}`);

/** Credentials that must be refused. `checksValue`: the target can tell a well-formed but unknown key. */
export function badCredentials(checksValue: boolean): fc.Arbitrary<{ name: string; authorization: string | null }> {
  const always = [
    fc.constant({ name: 'no Authorization', authorization: null }),
    fc.constant({ name: 'an empty Authorization', authorization: '' }),
    fc.stringMatching(/^[A-Za-z0-9]{4,20}$/).map((t) => ({ name: 'Basic credentials', authorization: `Basic ${t}` })),
  ];
  const valueChecks = [
    fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/).filter((t) => !t.startsWith('sk-aig-')).map((t) => ({ name: 'a key not shaped sk-aig-...', authorization: `Bearer ${t}` })),
    fc.constant({ name: 'a bare sk-aig- prefix', authorization: 'Bearer sk-aig-' }),
  ];
  return fc.oneof(...always, ...(checksValue ? valueChecks : []));
}
