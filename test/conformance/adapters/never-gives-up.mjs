// Careless on purpose: Retries a 429, 5xx or broken connection forever. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ neverGivesUp: true });
