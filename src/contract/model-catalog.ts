import type { SchemaModel, SchemaModelList } from '../generated/api.js';
import { defaultModelList } from '../generated/fixtures.js';
import { schemaValidator, toViolations } from './schema-validator.js';

/** A model as the mock uses it: the catalog entry as given, and its price per video second. */
export interface CatalogModel {
  id: string;
  owned_by: string;
  modality: string | null;
  /** Cents per second of video (may be fractional: a job's cost is rounded to the cent). */
  pricePerSecondCents: number;
  /** The entry as the catalog gave it, less its `x-*` notes: `GET /v1/models` answers it. */
  entry: SchemaModel;
}

/** What a job of `duration` seconds costs: wallets hold whole cents, so a fractional price per second is rounded once, per job. */
export const jobCostCents = (model: CatalogModel, duration: number): number => Math.round(duration * model.pricePerSecondCents);

/** What a catalog may be given as: `GET /v1/models`'s answer (the spec's ModelList) or a list of its Model. */
export type ModelCatalogInput = SchemaModelList | readonly SchemaModel[];

/** A catalog that breaks the spec's Model schema or the mock's needs; the message names the entry and field. */
export class ModelCatalogError extends Error {
  override name = 'ModelCatalogError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Models of this modality (or of none given) create videos and need a price per second. */
const VIDEO = 'video';

/**
 * Reads a model catalog, checked against the spec's ModelList (or Model) schema: each video model
 * needs `pricing.per_second_usd` (the mock charges duration x price), ids are unique, and at least one
 * video model is listed. `source` names the catalog in messages (a file path, `models`).
 */
export function parseModelCatalog(value: unknown, source: string): CatalogModel[] {
  const asList = Array.isArray(value) ? { object: 'list', data: value } : value;
  const validate = schemaValidator('video', '#/components/schemas/ModelList');
  if (!validate(asList)) {
    const [first] = toViolations(validate.errors, 'body');
    if (first === undefined) throw new ModelCatalogError(`${source}: is not a model list`);
    throw new ModelCatalogError(`${source}: ${describeAt(asList, first.path, first.param)}: ${first.message} (the spec's ModelList: {"object": "list", "data": [Model, ...]})`);
  }
  const entries = (asList as SchemaModelList).data;
  const seen = new Set<string>();
  const models = entries.map((entry, index): CatalogModel => {
    const where = `${source}: data[${index}] (${entry.id})`;
    if (seen.has(entry.id)) throw new ModelCatalogError(`${where}: id: is listed twice`);
    seen.add(entry.id);
    const modality = typeof entry.modality === 'string' ? entry.modality : null;
    const price = entry.pricing?.per_second_usd;
    if ((modality === null || modality === VIDEO) && typeof price !== 'number') {
      throw new ModelCatalogError(`${where}: pricing.per_second_usd: is required for a video model (the mock charges duration x this price)`);
    }
    return {
      id: entry.id,
      owned_by: entry.owned_by,
      modality,
      // Dollars to cents without a float's tail (0.1 * 100 is 10.000000000000002).
      pricePerSecondCents: Math.round((price ?? 0) * 100 * 1e6) / 1e6,
      // `x-*` fields are notes for the reader of the file (where a price comes from), not served.
      entry: Object.fromEntries(Object.entries({ ...entry, object: 'model' }).filter(([field]) => !field.startsWith('x-'))) as SchemaModel,
    };
  });
  if (!models.some(isVideoModel)) throw new ModelCatalogError(`${source}: data: lists no video model (modality "video" with pricing.per_second_usd)`);
  return models;
}

export const isVideoModel = (model: CatalogModel): boolean => model.modality === null || model.modality === VIDEO;

/** `data.0.pricing` as a person reads it: `data[0] (openai/x): pricing`. */
function describeAt(list: unknown, path: string, param: string): string {
  const match = /^\/data\/(\d+)(?:\/(.*))?$/.exec(path);
  if (match === null) return param === 'body' ? '(the catalog)' : param;
  const index = Number(match[1]);
  const data = isObject(list) && Array.isArray(list['data']) ? list['data'] : [];
  const id = isObject(data[index]) && typeof data[index]['id'] === 'string' ? ` (${data[index]['id']})` : '';
  const field = match[2] === undefined || match[2] === '' ? '(the entry)' : match[2].split('/').join('.');
  return `data[${index}]${id}: ${field}`;
}

/** The mock's default catalog: fixtures/models.json. */
export const defaultModels: readonly CatalogModel[] = parseModelCatalog(defaultModelList, 'fixtures/models.json');
