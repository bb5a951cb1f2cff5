// The ceiling for an Express adapter: an Express 5 app with one JSON body parser and two routes
// answering a fixed job. Run as a child of bench/run.ts.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { announce, fixedJobJson } from './fixed-job.js';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json({ limit: '1mb' }));
app.get('/v1/jobs/:id', (_req, res) => {
  res.status(200).type('application/json').send(fixedJobJson);
});
app.post('/v1/videos/generations', (_req, res) => {
  res.status(202).type('application/json').send(fixedJobJson);
});
const server = app.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
