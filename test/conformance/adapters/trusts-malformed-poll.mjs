// Careless on purpose: Reports a poll whose body is not JSON as a completed job, without downloading anything. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ trustsMalformedPoll: true });
