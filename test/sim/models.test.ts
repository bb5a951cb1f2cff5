import { describe, expect, it } from 'vitest';
import { ModelCatalogError, parseModelCatalog } from '../../src/contract/model-catalog.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { call, create, virtualClock } from '../support/sim-call.js';

const kling = { id: 'kling/kling-2.1', object: 'model' as const, owned_by: 'kling', modality: 'video', pricing: { per_second_usd: 0.035 } };

describe('the models option', () => {
  it('takes the catalog as GET /v1/models answers it, and charges each job its model price, rounded to the cent', async () => {
    const sim = createSimulation({ now: virtualClock().now, models: { object: 'list', data: [kling] } });
    expect((await call(sim, 'GET', '/v1/models')).json.data).toEqual([kling]);
    expect((await create(sim, { model: 'kling/kling-2.1', duration: 3 })).status).toBe(202);
    // 3 s x 3.5 cents = 10.5 cents: a job's cost is rounded once, to 11.
    expect((await call(sim, 'GET', '/__mock/wallet')).json.spent_cents).toBe(11);
  });

  it('takes a plain list of models too, and refuses a create for a model it does not list', async () => {
    const sim = createSimulation({ now: virtualClock().now, models: [kling] });
    const r = await create(sim, { model: 'openai/sora-2-video-to-video-remix' });
    expect(r.status).toBe(404);
    expect(r.json.error.message).toBe("Model 'openai/sora-2-video-to-video-remix' not found. Video models: kling/kling-2.1.");
  });

  it('refuses a catalog the spec rejects, naming the entry and the field', () => {
    expect(() => createSimulation({ models: [{ ...kling, owned_by: 7 }] as never })).toThrow(new ModelCatalogError('models: data[0] (kling/kling-2.1): owned_by: must be of type string (the spec\'s ModelList: {"object": "list", "data": [Model, ...]})'));
  });

  it('names the file it was read from', () => {
    expect(() => parseModelCatalog({ object: 'list', data: [{ ...kling, pricing: {} }] }, 'models.json')).toThrow(
      'models.json: data[0] (kling/kling-2.1): pricing.per_second_usd: is required for a video model (the mock charges duration x this price)',
    );
  });
});
