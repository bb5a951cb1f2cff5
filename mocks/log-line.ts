import type { SimRequest, SimResponse } from '../src/sim/exchange.js';
import { redactKeys } from '../src/sim/redact-keys.js';

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));

let clockMs = Number.NaN;
let clockText = '';

/** The wall clock as `HH:MM:SS.mmm` (UTC, as toISOString writes it); the lines of one millisecond share the text. */
function clockTime(): string {
  const ms = Date.now();
  if (ms !== clockMs) {
    clockMs = ms;
    const ofDay = ((ms % 86_400_000) + 86_400_000) % 86_400_000;
    const seconds = Math.floor(ofDay / 1000);
    clockText = `${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}.${String(ofDay % 1000).padStart(3, '0')}`;
  }
  return clockText;
}

/** One readable line per request: time, method, path, status, duration, job, key fingerprint, fault. */
export function formatLogLine(request: SimRequest, response: SimResponse, elapsedMs: number): string {
  const entry = response.journal;
  const url = redactKeys(request.url);
  const path = url.length > 120 ? `${url.slice(0, 117)}...` : url;
  const status = response.socketFault !== null ? `socket:${response.socketFault}` : String(response.status);
  let line = `${clockTime()} ${request.method.padEnd(6)} ${path} ${status} ${elapsedMs.toFixed(1)}ms`;
  if (entry?.job_id) line += ` ${entry.job_id}`;
  if (entry?.key) line += ` ${entry.key}`;
  if (entry?.fault && response.socketFault === null) line += ` (${entry.fault})`;
  return line;
}
