// Careless on purpose: Sends its API key (Authorization: Bearer) with the download of result.url. Everything else as careful-adapter.mjs.
import { main } from './careful-adapter.mjs';

await main({ sendsKeyToMediaHost: true });
