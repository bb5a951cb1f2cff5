// The mock on its Express adapter (mocks/express.ts, startMockServer): the same core and options as
// aigw-video serve, which runs the node:http adapter. Run as a child of bench/run.ts.
import { startMockServer } from '../../mocks/express.js';
import { announce } from './fixed-job.js';

const server = await startMockServer({ port: 0, rpm: 1_000_000_000, creditsCents: 100_000_000, log: null });
announce(server.port);
