// Careless on purpose: When a poll fails, waits as it should, then creates the job again instead of polling again. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ recreatesOnPollFailure: true });
