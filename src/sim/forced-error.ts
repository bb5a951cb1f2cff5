import type { SchemaVideoGenerationRequest } from '../generated/api.js';
import { jobCostCents } from '../contract/model-catalog.js';
import { errorAnswer } from './answers.js';
import type { SimResponse } from './exchange.js';
import type { RequestContext } from './request-context.js';
import { defaultDuration } from './spec-values.js';

/**
 * An answer with the status a caller asked for (Prefer, `?__code`, an armed fault, the fault rate):
 * the spec's body and required headers, with the real numbers where the message names some (a 402
 * names the price of the job asked for and the key's balance). `retryAfter`: the seconds a 429 or a
 * 503 says (the mock's default when undefined); null sends a 503 without Retry-After, which the spec
 * allows (a 429 always carries one).
 */
export async function forcedError(ctx: RequestContext, operationId: string, status: number, retryAfter: number | null | undefined): Promise<SimResponse> {
  const { config, store } = ctx.core;
  const seconds = String(retryAfter ?? config.retryAfterSeconds);
  const headers: Record<string, string> =
    status === 429
      ? {
          'retry-after': seconds,
          'x-ratelimit-limit-requests': String(config.rpm),
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': seconds,
        }
      : status === 503 && retryAfter !== null
        ? { 'retry-after': seconds }
        : {};
  const price = status === 402 && operationId === 'createVideo' ? priceOf(ctx) : 0;
  const balanceCents = status !== 402 ? 0 : ctx.key === null ? config.creditsCents : (await store.wallet(ctx.key, config.creditsCents)).balanceCents;
  const vars = {
    param: 'body',
    detail: 'rejected on request (forced status)',
    what: 'Resource',
    cost: (price / 100).toFixed(2),
    balance: (balanceCents / 100).toFixed(2),
    maxBytes: config.bodyLimitBytes,
    contentType: 'forced',
    limit: config.rpm,
    retryAfter: seconds,
    range: 'bytes=0-0',
    size: 0,
  };
  if (status === 416) headers['content-range'] = 'bytes */0';
  const response = errorAnswer(status, { vars }, headers);
  response.headers['preference-applied'] = `code=${status}`;
  return response;
}

/** What the create in this request would cost, read leniently (a forced 402 names a real price). */
function priceOf(ctx: RequestContext): number {
  let body: Partial<SchemaVideoGenerationRequest> = {};
  try {
    const raw = ctx.request.body === null ? null : (JSON.parse(new TextDecoder().decode(ctx.request.body)) as unknown);
    if (typeof raw === 'object' && raw !== null) body = raw as Partial<SchemaVideoGenerationRequest>;
  } catch {
    // Not JSON: the default model and duration.
  }
  const { models } = ctx.core.config;
  const model = models.find((m) => m.id === body.model) ?? models[0];
  const duration = Number.isInteger(body.duration) && (body.duration as number) >= 1 ? (body.duration as number) : defaultDuration;
  return model === undefined ? 0 : jobCostCents(model, duration);
}
