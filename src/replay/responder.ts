import type { SimRequest, SimResponse } from '../sim/exchange.js';

/**
 * Anything that answers the core's requests: the simulation, or a replay of a recording. Adapters
 * serve either unchanged.
 */
export interface Responder {
  handle(request: SimRequest): SimResponse | Promise<SimResponse>;
}
