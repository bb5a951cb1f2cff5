import type { SchemaModel, SchemaModelList } from '../../generated/api.js';
import { jsonAnswer } from '../answers.js';
import { checkRequest } from '../read-body.js';
import type { OperationHandler } from './operation-handler.js';

/** `GET /v1/models`: the catalog, OpenAI-shaped, with prices. */
export const listModels: OperationHandler = async (ctx) => {
  const query = Object.fromEntries(ctx.query);
  const { config } = ctx.core;
  const checked = checkRequest('listModels', ctx.request, { query }, config.bodyLimitBytes);
  if (!checked.ok) return checked.response;
  const { modality, provider } = query;
  const data: SchemaModel[] = config.models
    .filter((m) => (modality === undefined || m.modality === modality) && (provider === undefined || m.owned_by === provider))
    .map((m) => m.entry);
  return jsonAnswer(200, { object: 'list', data } satisfies SchemaModelList);
};
