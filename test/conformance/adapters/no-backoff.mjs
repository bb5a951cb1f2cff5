// Careless on purpose: Retries a 500 or a broken connection at once, with no backoff. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ noBackoff: true });
