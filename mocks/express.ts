import express, { type Express } from 'express';
import type { Simulation } from '../src/sim/simulation.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';
import {
  createMockListener,
  startServer,
  type MockAppOptions,
  type MockServerOptions,
  type RunningMockServer,
} from './node-http.js';

export type { MockAppOptions, MockServerOptions, RunningMockServer } from './node-http.js';

export interface MockApp extends Express {
  locals: Express['locals'] & {
    simulation: Simulation;
    webhooks: WebhookDispatcher;
    /** Stops webhook delivery, writes what is left to the state file and releases its lock. */
    close: () => void;
  };
}

/**
 * The mock as an Express 5 app, to serve on its own or mount in yours (before any body parser: the
 * mock reads the body itself). It only hands requests to the node:http translation of the core.
 */
export function createMockApp(options: MockAppOptions = {}): MockApp {
  const listener = createMockListener(options);
  const app = express() as MockApp;
  app.locals.simulation = listener.simulation;
  app.locals.webhooks = listener.webhooks;
  app.locals.close = listener.close;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false);
  app.use(listener);
  return app;
}

/** Starts the Express app over HTTP. Binds 127.0.0.1 unless told otherwise. */
export function startMockServer(options: MockServerOptions = {}): Promise<RunningMockServer> {
  return startServer(options, (appOptions) => {
    const app = createMockApp(appOptions);
    return { handler: app, simulation: app.locals.simulation, listener: { webhooks: app.locals.webhooks, close: app.locals.close } };
  });
}
