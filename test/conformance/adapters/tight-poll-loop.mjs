// Careless on purpose: Polls the job every 20 ms. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ tightPollLoop: true });
