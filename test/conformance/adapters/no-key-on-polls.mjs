// Careless on purpose: Sends no API key on polls (so the mock answers them 401). Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ noKeyOnPolls: true });
