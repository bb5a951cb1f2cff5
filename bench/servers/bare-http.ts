// The limit of this machine: node:http answering a fixed job, reading (and dropping) any body.
// Run as a child of bench/run.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announce, fixedJobJson } from './fixed-job.js';

const server = createServer((req, res) => {
  const status = req.method === 'POST' ? 202 : 200;
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(fixedJobJson) });
    res.end(fixedJobJson);
  });
});
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
