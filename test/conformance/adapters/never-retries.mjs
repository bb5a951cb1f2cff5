// Careless on purpose: Retries nothing: one attempt per request, as the gateway's own Node SDK (aigateway-js 0.1.3) does. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ neverRetries: true });
