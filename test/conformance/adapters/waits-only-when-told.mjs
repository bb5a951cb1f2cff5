// Careless on purpose: Backs off after a 500 or a broken connection, but after a 429 or a 503 it waits only as long as Retry-After says, and retries at once when there is none. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ waitsOnlyWhenTold: true });
