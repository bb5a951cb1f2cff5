// Careless on purpose: Waits the 1 s poll floor after a 429 or 503 on a poll, whatever Retry-After says. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ ignoresRetryAfterOnPolls: true });
