import { parseArgs } from 'node:util';
import { DEFAULT_MAX_MEDIA_BYTES } from '../record/create-recorder.js';
import { startRecordingProxy, type RecordingProxyOptions } from '../record/recording-proxy.js';
import type { RecordedEntry } from '../har/har-types.js';
import type { RecordingStats } from '../record/create-recorder.js';
import { numberFlag, untilStopped, UsageError, type CliIo } from './cli-io.js';

export const RECORD_USAGE = `Usage: aigw-video record --target URL --out FILE [options]

A recording proxy: point any client at it, it forwards every request to the target and writes
the exchanges to a HAR 1.2 file, kept complete after each one. API keys, admin tokens, cookies,
signed-URL tokens, webhook URLs and secret fields are redacted before anything is written.

Options:
  --target URL             the API to record, e.g. https://api.aigateway.sh/v1 (env AIGATEWAY_BASE_URL)
  --out FILE               the HAR file to write (replaced atomically; complete even after Ctrl-C)
  --port N                 where the proxy listens (default 4020; 0 picks a free port)
  --host ADDR              address to bind (default 127.0.0.1)
  --max-media-bytes N      keep media bodies up to N bytes (default ${DEFAULT_MAX_MEDIA_BYTES}); the entry says when one was cut
  --timeout-ms N           answer 504 when the target has not started answering in N ms (default 120000)
  --redact-header NAME     also redact this header (repeatable)
  --redact-query NAME      also redact this query parameter (repeatable)
  --redact-field NAME      also redact this JSON field (repeatable)
  --no-rewrite             leave the target's URLs in bodies as they are (downloads then bypass the proxy)
  --quiet                  no line per exchange
  -h, --help               this help

Then: aigw-video serve --replay FILE, aigw-video calibrate FILE, aigw-video verify --from-har FILE.
`;

export function recordOptions(argv: string[], env: CliIo['env']): RecordingProxyOptions & { out: string; quiet: boolean } | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      target: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'max-media-bytes': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'redact-header': { type: 'string', multiple: true },
      'redact-query': { type: 'string', multiple: true },
      'redact-field': { type: 'string', multiple: true },
      'no-rewrite': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const target = values.target ?? env['AIGATEWAY_BASE_URL'];
  if (target === undefined || target.trim() === '') throw new UsageError('--target (or AIGATEWAY_BASE_URL) is required: the API to record, e.g. https://api.aigateway.sh/v1.');
  try {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new UsageError(`--target must be an http(s) URL, not '${target}'.`);
  }
  if (values.out === undefined || values.out.trim() === '') throw new UsageError('--out is required: the HAR file to write, e.g. session.har.');
  const options: RecordingProxyOptions & { out: string; quiet: boolean } = {
    target: target.trim(),
    out: values.out,
    port: numberFlag('port', values.port, { min: 0, max: 65535, integer: true }) ?? 4020,
    quiet: values.quiet === true,
    rewriteUrls: values['no-rewrite'] !== true,
    redaction: { headers: values['redact-header'] ?? [], query: values['redact-query'] ?? [], fields: values['redact-field'] ?? [] },
  };
  if (values.host !== undefined) options.host = values.host;
  const maxMedia = numberFlag('max-media-bytes', values['max-media-bytes'], { min: 0, integer: true });
  if (maxMedia !== undefined) options.maxMediaBytes = maxMedia;
  const timeout = numberFlag('timeout-ms', values['timeout-ms'], { min: 1, integer: true });
  if (timeout !== undefined) options.timeoutMs = timeout;
  return options;
}

const kb = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
export const formatStats = (stats: RecordingStats): string =>
  `${plural(stats.requests, 'request')}, ${plural(stats.jobs, 'job')}, ${kb(stats.bytes)}${stats.proxyErrors > 0 ? `, ${plural(stats.proxyErrors, 'proxy error')}` : ''}`;

/** One line per exchange: what it was, what came back, the totals so far. */
export function formatEntryLine(entry: RecordedEntry, stats: RecordingStats): string {
  const path = new URL(entry.request.url).pathname;
  const notes = entry._aigw;
  let status = '';
  if (entry.response.content.mimeType.includes('json') && entry.response.content.text !== undefined) {
    try {
      const body = JSON.parse(entry.response.content.text) as { status?: unknown; error?: { type?: unknown } };
      if (typeof body.status === 'string') status = ` ${body.status}`;
      else if (typeof body.error?.type === 'string') status = ` ${body.error.type}`;
    } catch {
      // not JSON after all
    }
  }
  const job = notes?.jobId !== null && notes?.jobId !== undefined ? ` ${notes.jobId}` : '';
  const flag = notes?.proxyError !== undefined ? ` [proxy ${notes.proxyError.kind}]` : notes?.truncated !== undefined ? ` [media cut to ${kb(notes.truncated.keptBytes)}]` : '';
  return `  ${entry.request.method} ${path} -> ${entry.response.status}${status}${job} (${Math.round(entry.time)} ms)${flag}   [${formatStats(stats)}]\n`;
}

/** `aigw-video record`: runs the proxy until SIGINT/SIGTERM, then writes the complete HAR. */
export async function runRecord(argv: string[], io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const options = recordOptions(argv, io.env);
  if (options === 'help') {
    io.out(RECORD_USAGE);
    return 0;
  }
  const proxy = await startRecordingProxy({
    ...options,
    ...(options.quiet ? {} : { onEntry: (entry: RecordedEntry, stats: RecordingStats) => io.out(formatEntryLine(entry, stats)) }),
  });
  io.out(
    [
      `aigw-video record: recording ${options.target} into ${options.out}`,
      `  point your client at ${proxy.url}`,
      '  Ctrl-C stops and writes the complete file; keys and tokens are redacted before anything is written.',
      '',
      '',
    ].join('\n'),
  );
  await untilStopped(signals);
  await proxy.close();
  io.out(`aigw-video record: wrote ${options.out}: ${formatStats(proxy.stats())}.\n`);
  return 0;
}
