// Careless on purpose: Retries 50 ms after a 429 or 503, whatever Retry-After says. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ ignoresRetryAfter: true });
