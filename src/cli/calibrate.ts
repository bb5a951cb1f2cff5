import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { calibrate } from '../calibrate/calibrate.js';
import type { GatewayProfile } from '../calibrate/gateway-profile.js';
import type { Measure } from '../calibrate/measure-timings.js';
import { readHarFile } from '../har/read-har-file.js';
import { asUsageError, UsageError, type CliIo } from './cli-io.js';

export const CALIBRATE_USAGE = `Usage: aigw-video calibrate FILE.har [--out FILE] > gateway-profile.json

Learns a gateway's profile from a recording (aigw-video record): the dialect it speaks, each point
of disagreement with the entries that showed it, and its timings (queued time, processing time per
video second, their spread, the rate-limit headers seen). Writes the profile as JSON to stdout (or
--out) and a summary to stderr. Then: aigw-video serve --profile gateway-profile.json.

Options:
  --out FILE     write the profile here instead of stdout
  -h, --help     this help

The profile format: docs/profile.md (schema fixtures/profiles/gateway-profile.schema.json).
`;

const ms = (m: Measure | null, unit: string): string =>
  m === null ? 'not measured' : `${m.median} ${unit} (median of ${m.samples}; ${m.min}..${m.max}, stdev ${m.stdev}; each within ±${m.resolutionMs})`;

/** The profile for a person: the dialect, each point and its evidence, the timings. */
export function formatProfileSummary(profile: GatewayProfile): string {
  const lines = [`dialect: ${profile.dialect.name}`];
  for (const p of profile.dialect.points) {
    const shown = p.observed ? (p.evidence[0] === undefined ? '' : ` (entry ${p.evidence[0].entry}: ${p.evidence[0].request}, ${p.evidence[0].shows})`) : ` (not observed: ${p.note ?? 'default'})`;
    lines.push(`  ${p.point.padEnd(16)} ${p.choice}${shown}${p.note !== undefined && p.observed ? `; ${p.note}` : ''}`);
  }
  const t = profile.timings;
  lines.push(`queued:     ${ms(t.queuedMs, 'ms')}`);
  lines.push(`processing: ${ms(t.processingMsPerVideoSecond, 'ms per video second')}`);
  lines.push(`rate limit: ${t.rateLimit.limitRequests === null ? 'no x-ratelimit-limit-requests seen' : `${t.rateLimit.limitRequests} requests/min`}${t.rateLimit.headers.length > 0 ? ` (headers: ${t.rateLimit.headers.map((h) => h.name).join(', ')})` : ''}`);
  for (const note of t.notes) lines.push(`  ${note}`);
  return `${lines.join('\n')}\n`;
}

/** `aigw-video calibrate`: HAR in, profile out. */
export async function runCalibrate(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    io.out(CALIBRATE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`needs exactly one HAR file (aigw-video calibrate session.har), got ${positionals.length}.`);
  const path = positionals[0] as string;
  const profile = calibrate(await readHarFile(path).catch(asUsageError));
  const json = `${JSON.stringify(profile, null, 2)}\n`;
  if (values.out !== undefined) await writeFile(values.out, json);
  else io.out(json);
  io.err(formatProfileSummary(profile));
  return 0;
}
