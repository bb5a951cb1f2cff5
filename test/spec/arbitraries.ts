import fc from 'fast-check';
import { aspectRatioValues, resolutionTierValues } from '../../src/generated/api.js';
import type { SchemaVideoGenerationRequest } from '../../src/generated/api.js';
import { documents, getAtPointer } from '../../src/contract/openapi-document.js';
import { modelCatalog } from '../../src/generated/fixtures.js';

const requestSchema = '#/components/schemas/VideoGenerationRequest/properties';
/** A number the spec states, read from the document rather than copied. */
export const specNumber = (pointer: string): number => {
  const value = getAtPointer(documents.video, `${requestSchema}/${pointer}`);
  if (typeof value !== 'number') throw new Error(`The spec has no number at ${pointer}`);
  return value;
};
export const durationBounds = { min: specNumber('duration/minimum'), max: specNumber('duration/maximum') };

export const knownModel = fc.constantFrom(...modelCatalog.map((m) => m.id));
export const prompt = fc
  .string({ minLength: 1, maxLength: 200, unit: 'grapheme' })
  .filter((s) => /\S/.test(s));

/** Any request the spec accepts, for a model the catalog has. */
export const validVideoRequest: fc.Arbitrary<SchemaVideoGenerationRequest> = fc.record(
  {
    model: knownModel,
    prompt,
    duration: fc.integer({ min: durationBounds.min, max: durationBounds.max }),
    aspect_ratio: fc.constantFrom(...aspectRatioValues),
    resolution: fc.constantFrom(...resolutionTierValues),
    image_url: fc.webUrl(),
    video_url: fc.webUrl(),
    webhook_url: fc.webUrl(),
  },
  { requiredKeys: ['model', 'prompt'] },
);

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));

/** One defect applied to a valid request, and the field the validator must name. */
export interface Defect {
  name: string;
  field: string;
  apply: (body: Record<string, unknown>) => void;
}

export const defect: fc.Arbitrary<Defect> = fc.oneof(
  fc.constantFrom('model', 'prompt').map((field): Defect => ({ name: `missing ${field}`, field, apply: (b) => delete b[field] })),
  fc.constant<Defect>({ name: 'empty prompt', field: 'prompt', apply: (b) => (b['prompt'] = '') }),
  fc.stringMatching(/^[ \t\n\r]{1,8}$/).map((ws): Defect => ({ name: 'blank prompt', field: 'prompt', apply: (b) => (b['prompt'] = ws) })),
  fc.constant<Defect>({ name: 'empty model', field: 'model', apply: (b) => (b['model'] = '') }),
  fc.tuple(fc.constantFrom('model', 'prompt', 'aspect_ratio', 'resolution', 'image_url', 'video_url', 'webhook_url'), notAString).map(
    ([field, value]): Defect => ({ name: `${field} not a string`, field, apply: (b) => (b[field] = value) }),
  ),
  fc.oneof(
    fc.integer({ min: -1_000_000, max: durationBounds.min - 1 }),
    fc.integer({ min: durationBounds.max + 1, max: 1_000_000 }),
  ).map((d): Defect => ({ name: `duration ${d} out of range`, field: 'duration', apply: (b) => (b['duration'] = d) })),
  fc.double({ min: durationBounds.min, max: durationBounds.max, noInteger: true, noNaN: true }).map(
    (d): Defect => ({ name: `fractional duration ${d}`, field: 'duration', apply: (b) => (b['duration'] = d) }),
  ),
  fc.oneof(fc.string(), fc.boolean(), fc.constant(null)).map(
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
