import type { SimRequest, SimResponse } from '../src/sim/exchange.js';
import { redactKeys } from '../src/sim/redact-keys.js';

let clockMs = Number.NaN;
let clockText = '';

/** The wall clock as `HH:MM:SS.mmm` (UTC); the lines of one millisecond share the text. */
function clockTime(): string {
  const ms = Date.now();
  if (ms !== clockMs) {
    clockMs = ms;
    clockText = new Date(ms).toISOString().slice(11, 23);
  }
  return clockText;
}

/** One readable line per request: time, method, path, status, duration, job, key fingerprint, fault. */
export function formatLogLine(request: SimRequest, response: SimResponse, elapsedMs: number): string {
  const entry = response.journal;
  const time = clockTime();
  const url = redactKeys(request.url);
  const path = url.length > 120 ? `${url.slice(0, 117)}...` : url;
  const status = response.socketFault !== null ? `socket:${response.socketFault}` : String(response.status);
  const parts = [time, request.method.padEnd(6), path, status, `${elapsedMs.toFixed(1)}ms`];
  if (entry?.job_id) parts.push(entry.job_id);
  if (entry?.key) parts.push(entry.key);
  if (entry?.fault && response.socketFault === null) parts.push(`(${entry.fault})`);
  return parts.join(' ');
}
