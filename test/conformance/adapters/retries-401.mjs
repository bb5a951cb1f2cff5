// Careless on purpose: Retries a 401 as if it were transient. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ retries401: true });
