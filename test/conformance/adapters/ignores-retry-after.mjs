// Careless on purpose: Backs off 300 ms whatever Retry-After says. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ ignoresRetryAfter: true });
