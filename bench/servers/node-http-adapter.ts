// The mock on the bare node:http adapter (mocks/node-http.ts): same core and options as
// aigw-video serve, without Express. Run as a child of bench/run.ts.
import { startNodeHttpMockServer } from '../../mocks/node-http.js';
import { announce } from './fixed-job.js';

const server = await startNodeHttpMockServer({ port: 0, rpm: 1_000_000_000, creditsCents: 100_000_000, log: null });
announce(server.port);
