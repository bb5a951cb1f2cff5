// Careless on purpose: Reports a failed job as a success. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ swallowsFailedJob: true });
