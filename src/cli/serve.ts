import { parseArgs } from 'node:util';
import type { MockServerOptions } from '../../mocks/node-http.js';
import { timingValues } from '../generated/admin-api.js';
import type { Timing } from '../sim/config.js';
import { numberFlag, untilStopped, UsageError, type CliIo } from './cli-io.js';
import { parseLatency } from './parse-latency.js';
import { DialectError, parseDialect } from '../contract/dialects.js';

export const SERVE_USAGE = `Usage: aigw-video serve [options]

Serves the mock of the AIgateway video API.

Options:
  --port N                 port (default 4010; 0 picks a free one)
  --host ADDR              address to bind (default 127.0.0.1)
  --timing MODE            realtime (jobs move with the clock) or steps (one status per poll); default realtime
  --seed N                 seed of every random decision (default 1)
  --credits USD            starting wallet of every key, in dollars (default 100)
  --rpm N                  requests per minute per key before 429 (default 600)
  --failure-rate F         fraction of jobs that fail, 0..1 (default 0)
  --fault-rate F           fraction of requests answered 500/503, 0..1 (default 0)
  --latency PROFILE        fixed:MS | uniform:MIN-MAX | lognormal:MEDIAN,SIGMA, or per operation 'getJob=fixed:200;*=none'
  --queued-ms MS           realtime: how long a job stays queued (default 1000)
  --processing-ms MS       realtime: processing time per video second (default 400)
  --dialect DIALECT        the variant of the gateway to play: union (default: every source's fields and
                           routes, the model page where they conflict), model-page, node-sdk, docs,
                           published-spec, and point overrides after it: docs,fast-poll=none. Points:
                           create-status, time-fields, result-location, statuses, error-types, cancel,
                           fast-poll, failed-error (docs/dialects.md)
  --models FILE            the model catalog: a JSON file shaped as GET /v1/models answers (the spec's
                           ModelList), each video model with pricing.per_second_usd (default fixtures/models.json)
  --api-keys K1,K2         accept only these keys (default: any Bearer sk-aig-...)
  --state-file PATH        keep jobs and wallets in this file across restarts
  --admin-token TOKEN      require it for /__mock/* (needed to enable /__mock on a non-loopback host)
  --allowed-hosts H1,H2    Host names /__mock/* answers besides loopback ones (default: loopback names only
                           when bound to loopback, against DNS rebinding)
  --webhook-secret SECRET  key of the HMAC-SHA256 signature on webhook events (default aigw-mock-webhook-secret)
  --webhooks-any-host      deliver webhooks to any host (default: loopback only)
  --profile FILE           simulate the gateway profiled in this file (aigw-video calibrate): its timings,
                           rate limit and dialect; flags given as well win over the profile
  --replay FILE            answer as recorded in this HAR (aigw-video record) instead of simulating
  --replay-latency MODE    with --replay: none (default) or recorded (wait as long as the target took)
  --quiet                  no log line per request
  -h, --help               this help
`;

/** What \`serve\` reads from files before it starts: a recording to replay, or a profile to simulate. */
export interface ServeFiles {
  replay?: { path: string; latency: 'recorded' | 'none' };
  profile?: string;
  /** `--models FILE`: the model catalog, read and checked when the server starts. */
  models?: string;
}

export function serveOptions(argv: string[]): (MockServerOptions & { files?: ServeFiles }) | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      timing: { type: 'string' },
      seed: { type: 'string' },
      credits: { type: 'string' },
      rpm: { type: 'string' },
      'failure-rate': { type: 'string' },
      'fault-rate': { type: 'string' },
      latency: { type: 'string' },
      'queued-ms': { type: 'string' },
      'processing-ms': { type: 'string' },
      'api-keys': { type: 'string' },
      dialect: { type: 'string' },
      models: { type: 'string' },
      'state-file': { type: 'string' },
      'admin-token': { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'webhooks-any-host': { type: 'boolean' },
      profile: { type: 'string' },
      replay: { type: 'string' },
      'replay-latency': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  if (values.timing !== undefined && !(timingValues as readonly string[]).includes(values.timing)) {
    throw new UsageError(`--timing must be one of ${timingValues.join(', ')}, not '${values.timing}'.`);
  }
  const options: MockServerOptions & { files?: ServeFiles } = {};
  const set = <K extends keyof MockServerOptions>(key: K, value: MockServerOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set('port', numberFlag('port', values.port, { min: 0, max: 65535, integer: true }));
  set('host', values.host);
  set('timing', values.timing as Timing | undefined);
  set('seed', numberFlag('seed', values.seed, { integer: true }));
  const credits = numberFlag('credits', values.credits, { min: 0, max: 1_000_000 });
  set('creditsCents', credits === undefined ? undefined : Math.round(credits * 100));
  set('rpm', numberFlag('rpm', values.rpm, { min: 1, integer: true }));
  set('failureRate', numberFlag('failure-rate', values['failure-rate'], { min: 0, max: 1 }));
  set('faultRate', numberFlag('fault-rate', values['fault-rate'], { min: 0, max: 1 }));
  set('latency', values.latency === undefined ? undefined : parseLatency(values.latency));
  const queuedMs = numberFlag('queued-ms', values['queued-ms'], { min: 1, integer: true });
  const processingMs = numberFlag('processing-ms', values['processing-ms'], { min: 0 });
  if (queuedMs !== undefined || processingMs !== undefined) {
    options.realtime = { ...(queuedMs !== undefined ? { queuedMs } : {}), ...(processingMs !== undefined ? { processingMsPerSecond: processingMs } : {}) };
  }
  if (values['api-keys'] !== undefined) {
    const keys = values['api-keys'].split(',').map((k) => k.trim()).filter((k) => k.length > 0);
    if (keys.length === 0) throw new UsageError('--api-keys needs at least one key.');
    options.apiKeys = keys;
  }
  if (values.dialect !== undefined) {
    try {
      options.dialect = parseDialect(values.dialect);
    } catch (error) {
      if (error instanceof DialectError) throw new UsageError(`--dialect ${values.dialect}: ${error.message}`);
      throw error;
    }
  }
  if (values.models !== undefined && values.models.trim() === '') throw new UsageError('--models needs a JSON file.');
  set('stateFile', values['state-file']);
  if (values['admin-token'] === '') throw new UsageError('--admin-token must not be empty (an empty token would leave /__mock/* open).');
  set('adminToken', values['admin-token']);
  if (values['allowed-hosts'] !== undefined) {
    const hosts = values['allowed-hosts'].split(',').map((h) => h.trim()).filter((h) => h.length > 0);
    if (hosts.length === 0) throw new UsageError('--allowed-hosts needs at least one host name.');
    options.allowedHosts = hosts;
  }
  if (values['webhook-secret'] !== undefined || values['webhooks-any-host'] === true) {
    if (values['webhook-secret'] === '') throw new UsageError('--webhook-secret must not be empty.');
    options.webhooks = {
      ...(values['webhook-secret'] !== undefined ? { secret: values['webhook-secret'] } : {}),
      ...(values['webhooks-any-host'] === true ? { anyHost: true } : {}),
    };
  }
  if (values.quiet === true) options.log = null;
  const replayLatency = values['replay-latency'];
  if (replayLatency !== undefined && replayLatency !== 'recorded' && replayLatency !== 'none') {
    throw new UsageError(`--replay-latency must be recorded or none, not '${replayLatency}'.`);
  }
  if (replayLatency !== undefined && values.replay === undefined) throw new UsageError('--replay-latency needs --replay FILE.');
  if (values.replay !== undefined && values.profile !== undefined) throw new UsageError('--replay and --profile exclude each other: a replay answers as recorded, a profile simulates.');
  if (values.replay !== undefined) {
    if (values.replay.trim() === '') throw new UsageError('--replay needs a HAR file.');
    options.files = { replay: { path: values.replay, latency: replayLatency === 'recorded' ? 'recorded' : 'none' } };
  }
  if (values.profile !== undefined) {
    if (values.profile.trim() === '') throw new UsageError('--profile needs a profile file.');
    options.files = { profile: values.profile };
  }
  if (values.models !== undefined) options.files = { ...options.files, models: values.models };
  return options;
}

/** `aigw-video serve`: starts the server and resolves once it has stopped (on SIGINT/SIGTERM). */
export async function runServe(argv: string[], io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const options = serveOptions(argv);
  if (options === 'help') {
    io.out(SERVE_USAGE);
    return 0;
  }
  const { files, ...flags } = options;
  // A HAR or a profile brings its readers along; a plain `serve` loads none of them.
  const serveFiles = files === undefined ? null : await import('./serve-files.js');
  const loaded = serveFiles === null ? {} : await serveFiles.loadServeFiles(files);
  const profiled = loaded.profile === undefined || serveFiles === null ? flags : serveFiles.withProfile(flags, loaded.profile);
  const serverOptions = loaded.models === undefined ? profiled : { ...profiled, models: loaded.models };
  const quiet = options.log === null;
  // Loaded only now: `serve --help` and a bad flag need none of the server.
  const { startNodeHttpMockServer } = await import('../../mocks/node-http.js');
  const server = await startNodeHttpMockServer({ ...serverOptions, ...(loaded.replay !== undefined ? { replay: loaded.replay } : {}), log: quiet ? null : (line) => io.out(`${line}\n`) });
  const { config } = server.simulation;
  // What the simulation is set to; a replay answers as recorded instead, so it has none of this.
  const simulationLines = [
    `  timing ${config.timing}, seed ${config.seed}, $${(config.creditsCents / 100).toFixed(2)} per key, ${config.rpm} requests/min per key` +
      (options.stateFile !== undefined ? `, state in ${options.stateFile}` : ''),
    `  dialect ${config.dialect.name}: ${Object.entries(config.dialect.choices).map(([point, choice]) => `${point}=${choice}`).join(', ')}`,
    `  models: ${config.models.filter((m) => m.modality === null || m.modality === 'video').map((m) => `${m.id} ($${(m.pricePerSecondCents / 100).toFixed(3)}/s)`).join(', ')}`,
  ];
  const replayLine = loaded.replay === undefined ? [] : [`  replaying ${files?.replay?.path ?? ''}: ${loaded.replay.entries} recorded exchanges, ${loaded.replay.jobs.length} jobs (POST /__mock/reset rewinds)`];
  io.out(
    [
      `aigw-video ${loaded.replay === undefined ? 'mock' : 'replay'} of the AIgateway video API at ${server.url}`,
      ...replayLine,
      ...(loaded.profile !== undefined && serveFiles !== null ? serveFiles.profileLines(files?.profile ?? '', loaded.profile) : []),
      ...(loaded.replay === undefined ? simulationLines : []),
      server.adminEnabled ? `  dashboard:   ${server.origin}/__mock/ui/` : '  dashboard:   off (bound to a public address without --admin-token)',
      server.adminEnabled ? `  control API: ${server.origin}/__mock/health` : '  control API: off (bound to a public address without --admin-token)',
      `  webhooks: signed with ${options.webhooks?.secret === undefined ? 'the default secret (--webhook-secret to set one)' : 'the --webhook-secret'}, delivered to ${options.webhooks?.anyHost === true ? 'any host' : 'loopback hosts only (--webhooks-any-host to allow others)'}`,
      '',
      'Try it:',
      `  curl -s ${server.url}/videos/generations \\`,
      `    -H "Authorization: Bearer sk-aig-local-dev" -H "Content-Type: application/json" \\`,
      `    -d '{"model":"openai/sora-2-video-to-video-remix","prompt":"a slow drone shot over a mountain lake","duration":5}'`,
      `  curl -s ${server.url}/jobs/<id> -H "Authorization: Bearer sk-aig-local-dev"`,
      '',
      '',
    ].join('\n'),
  );
  await untilStopped(signals);
  await server.close();
  if (!quiet) io.out('aigw-video mock stopped.\n');
  return 0;
}
