// Careless on purpose: Retries a 400 as if it were transient. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ retries400: true });
