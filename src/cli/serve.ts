import cluster, { type Worker } from 'node:cluster';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { MockServerOptions, RunningMockServer } from '../../mocks/node-http.js';
import { timingValues } from '../generated/admin-api.js';
import type { JobTiming, Timing } from '../sim/config.js';
import { numberFlag, untilStopped, UsageError, type CliIo } from './cli-io.js';
import { bufferLines } from './line-buffer.js';
import { parseJobTiming, parseLatency } from './parse-latency.js';
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
  --queued-ms MS|DIST      realtime: how long a job stays queued (default 1000), or a distribution each
                           job draws its own from (seeded): fixed:MS | uniform:MIN-MAX | lognormal:MEDIAN,SIGMA
  --processing-ms MS|DIST  realtime: processing time per video second (default 400), or a distribution
                           as for --queued-ms: lognormal:700,0.25 spreads jobs around 700 ms per second
  --dialect DIALECT        the variant of the gateway to play: union (default: every source's fields and
                           routes, the model page where they conflict), model-page, node-sdk, docs,
                           published-spec, and point overrides after it: docs,fast-poll=none. Points:
                           create-status, time-fields, result-location, statuses, error-types, cancel,
                           fast-poll, failed-error (docs/dialects.md)
  --models FILE            the model catalog: a JSON file shaped as GET /v1/models answers (the spec's
                           ModelList), each video model with pricing.per_second_usd (default fixtures/models.json)
  --api-keys K1,K2         accept only these keys (default: any Bearer sk-aig-...)
  --state-file PATH        keep jobs and wallets in this file across restarts (in-memory store only)
  --store URL              where the state lives: memory (default, this process) or redis://host:6379/0,
                           shared by every mock naming the same Redis and prefix (replicas behave as one)
  --store-prefix PREFIX    prefix of the Redis keys, to run several mocks on one Redis (default aigw:)
  --workers N              N processes on this machine sharing the port and the store (needs --store redis://...)
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

/** What `serve` runs: the server's options, the files it reads first, and how many worker processes serve. */
export type ServeSettings = MockServerOptions & { files?: ServeFiles; workers?: number };

export function serveOptions(argv: string[]): ServeSettings | 'help' {
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
      store: { type: 'string' },
      'store-prefix': { type: 'string' },
      workers: { type: 'string' },
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
  const options: ServeSettings = {};
  const set = <K extends keyof ServeSettings>(key: K, value: ServeSettings[K] | undefined): void => {
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
  const queuedMs = parseJobTiming('queued-ms', values['queued-ms'], 1);
  const processingMs = parseJobTiming('processing-ms', values['processing-ms'], 0);
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
  const store = values.store;
  if (store !== undefined && store !== 'memory') {
    // The URL itself is checked by runServe (a module `serve --help` does not load).
    if (values['state-file'] !== undefined) {
      throw new UsageError('--state-file keeps the in-memory store in a file; with --store redis://... the state is in Redis already (it keeps what its own persistence keeps): give one or the other.');
    }
    if (values.replay !== undefined) throw new UsageError('--replay answers as recorded and keeps no state: --store is for a simulation.');
    set('store', store);
  }
  if (values['store-prefix'] !== undefined) {
    if (options.store === undefined) throw new UsageError('--store-prefix names the keys of a Redis store: give --store redis://host:6379/0 with it.');
    if (!/^[\w.:{}-]{1,64}$/.test(values['store-prefix'])) throw new UsageError(`--store-prefix must be 1 to 64 letters, digits or _ . : - { }, not '${values['store-prefix']}'.`);
    set('storePrefix', values['store-prefix']);
  }
  const workers = numberFlag('workers', values.workers, { min: 1, max: 64, integer: true });
  if (workers !== undefined && workers > 1 && options.store === undefined) {
    throw new UsageError(
      `--workers ${workers} needs a shared store (--store redis://host:6379/0): with the in-memory store each worker would have its own jobs, wallets and rate limits, and a job created through one worker would be unknown to the next.`,
    );
  }
  set('workers', workers);
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

/** What the banner says of a server (from the server itself, or from a worker's ready message). */
interface ServedBy {
  url: string;
  origin: string;
  adminEnabled: boolean;
  timing: string;
  seed: number;
  creditsCents: number;
  rpm: number;
  dialect: string;
  models: string;
  /** The realtime schedule, as the flags write it (null in steps timing). */
  schedule: string | null;
}

/** A timing as `--queued-ms` / `--processing-ms` take it: `1000`, `uniform:200-600`, `lognormal:1450,0.27`. */
export function timingText(timing: JobTiming): string {
  if (typeof timing === 'number') return String(timing);
  switch (timing.kind) {
    case 'fixed':
      return String(timing.ms);
    case 'uniform':
      return `uniform:${timing.minMs}-${timing.maxMs}`;
    case 'lognormal':
      return `lognormal:${timing.medianMs},${timing.sigma}`;
  }
}

const scheduleText = (queued: JobTiming, processing: JobTiming): string => {
  const spread = [queued, processing].some((t) => typeof t !== 'number' && t.kind !== 'fixed');
  return `queued ${timingText(queued)} ms, then processing ${timingText(processing)} ms per video second${spread ? ' (each job draws its own, from the seed)' : ''}`;
};

const servedBy = (server: RunningMockServer): ServedBy => {
  const { config } = server.simulation;
  return {
    url: server.url,
    origin: server.origin,
    adminEnabled: server.adminEnabled,
    timing: config.timing,
    seed: config.seed,
    creditsCents: config.creditsCents,
    rpm: config.rpm,
    dialect: `${config.dialect.name}: ${Object.entries(config.dialect.choices).map(([point, choice]) => `${point}=${choice}`).join(', ')}`,
    models: config.models.filter((m) => m.modality === null || m.modality === 'video').map((m) => `${m.id} ($${(m.pricePerSecondCents / 100).toFixed(3)}/s)`).join(', '),
    schedule: config.timing === 'realtime' ? scheduleText(config.realtime.queuedMs, config.realtime.processingMsPerSecond) : null,
  };
};

/** Checks a `--store` URL; answers it with its password hidden, for the banner. */
async function checkedStoreUrl(store: string): Promise<string> {
  const { redactRedisUrl, redisUrlProblem } = await import('../../mocks/redis-url.js');
  const problem = redisUrlProblem(store);
  if (problem !== null) throw new UsageError(`--store: ${problem}; or memory (the default).`);
  return redactRedisUrl(store);
}

function stateLine(options: ServeSettings, workers: number): string {
  const processes = workers > 1 ? `shared by ${workers} worker processes on one port` : 'this process';
  if (typeof options.store === 'string') return `  state: Redis at ${options.store}, keys under ${options.storePrefix ?? 'aigw:'}, ${processes} (and every mock naming the same Redis and prefix)`;
  return `  state: in memory, ${processes}${options.stateFile !== undefined ? `, kept in ${options.stateFile}` : ''}`;
}

/** The banner's lines after the first: what the simulation is set to, where its state lives, the control API, webhooks, and a curl to try. */
function bannerLines(server: ServedBy, options: ServeSettings, workers: number, simulating: boolean): string[] {
  return [
    ...(simulating
      ? [
          `  timing ${server.timing}, seed ${server.seed}, $${(server.creditsCents / 100).toFixed(2)} per key, ${server.rpm} requests/min per key`,
          ...(server.schedule === null ? [] : [`  jobs: ${server.schedule}`]),
          stateLine(options, workers),
          `  dialect ${server.dialect}`,
          `  models: ${server.models}`,
        ]
      : []),
    !server.adminEnabled
      ? '  dashboard:   off (bound to a public address without --admin-token)'
      : simulating
        ? `  dashboard:   ${server.origin}/__mock/ui/`
        : "  dashboard:   off while replaying (it shows a simulation's jobs, keys and journal; a replay answers as recorded)",
    !server.adminEnabled
      ? '  control API: off (bound to a public address without --admin-token)'
      : simulating
        ? `  control API: ${server.origin}/__mock/health`
        : `  control API: POST ${server.origin}/__mock/reset rewinds the recording`,
    `  webhooks: signed with ${options.webhooks?.secret === undefined ? 'the default secret (--webhook-secret to set one)' : 'the --webhook-secret'}, delivered to ${options.webhooks?.anyHost === true ? 'any host' : 'loopback hosts only (--webhooks-any-host to allow others)'}`,
    '',
    'Try it:',
    `  curl -s ${server.url}/videos/generations \\`,
    `    -H "Authorization: Bearer sk-aig-local-dev" -H "Content-Type: application/json" \\`,
    `    -d '{"model":"openai/sora-2-video-to-video-remix","prompt":"a slow drone shot over a mountain lake","duration":5}'`,
    `  curl -s ${server.url}/jobs/<id> -H "Authorization: Bearer sk-aig-local-dev"`,
    '',
    '',
  ];
}

/** Reads the files `serve` was given (a recording, a profile) and starts the server. */
async function startServing(settings: ServeSettings, io: CliIo) {
  const { files, workers: _workers, ...flags } = settings;
  // A HAR or a profile brings its readers along; a plain `serve` loads none of them.
  const serveFiles = files === undefined ? null : await import('./serve-files.js');
  const loaded = serveFiles === null ? {} : await serveFiles.loadServeFiles(files);
  const profiled = loaded.profile === undefined || serveFiles === null ? flags : serveFiles.withProfile(flags, loaded.profile);
  const serverOptions = loaded.models === undefined ? profiled : { ...profiled, models: loaded.models };
  // Loaded only now: `serve --help` and a bad flag need none of the server.
  const { startNodeHttpMockServer } = await import('../../mocks/node-http.js');
  const lines = settings.log === null ? null : bufferLines(io.out);
  let server: RunningMockServer;
  try {
    server = await startNodeHttpMockServer({
      ...serverOptions,
      ...(loaded.replay !== undefined ? { replay: loaded.replay } : {}),
      log: lines === null ? null : lines.add,
    });
  } catch (error) {
    lines?.close();
    throw error;
  }
  // What the start logged (a state file recovered, say) comes before the banner, as it happened.
  lines?.flush();
  // Every line logged until the server has stopped is written before anything `serve` says next.
  const close = server.close;
  return { server: { ...server, close: () => close().finally(() => lines?.close()) }, loaded, serveFiles, files };
}

/** Marks the processes `serve --workers` forks, so that the bin they run serves instead of forking again. */
const WORKER_ENV = 'AIGW_VIDEO_SERVE_WORKER';

/** `aigw-video serve`: starts the server and resolves once it has stopped (on SIGINT/SIGTERM). */
export async function runServe(argv: string[], io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const options = serveOptions(argv);
  if (options === 'help') {
    io.out(SERVE_USAGE);
    return 0;
  }
  if (cluster.isWorker && process.env[WORKER_ENV] === '1') return serveAsWorker(options, io, signals);
  // The banner shows the store's URL without its password.
  const shown: ServeSettings = typeof options.store === 'string' ? { ...options, store: await checkedStoreUrl(options.store) } : options;
  const workers = options.workers ?? 1;
  if (workers > 1) return serveWithWorkers(argv, shown, workers, io, signals);
  const quiet = options.log === null;
  const { server, loaded, serveFiles, files } = await startServing(options, io);
  const replayLine = loaded.replay === undefined ? [] : [`  replaying ${files?.replay?.path ?? ''}: ${loaded.replay.entries} recorded exchanges, ${loaded.replay.jobs.length} jobs (POST /__mock/reset rewinds)`];
  io.out(
    [
      `aigw-video ${loaded.replay === undefined ? 'mock' : 'replay'} of the AIgateway video API at ${server.url}`,
      ...replayLine,
      ...(loaded.profile !== undefined && serveFiles !== null ? serveFiles.profileLines(files?.profile ?? '', loaded.profile) : []),
      // What the simulation is set to; a replay answers as recorded instead, so it has none of this.
      ...bannerLines(servedBy(server), shown, 1, loaded.replay === undefined),
    ].join('\n'),
  );
  await untilStopped(signals);
  await server.close();
  if (!quiet) io.out('aigw-video mock stopped.\n');
  return 0;
}

/** One of `--workers N`: serves on the shared port and tells the primary it is ready. */
async function serveAsWorker(settings: ServeSettings, io: CliIo, signals: NodeJS.EventEmitter): Promise<number> {
  const { server } = await startServing(settings, io);
  process.send?.({ aigw: 'ready', server: servedBy(server) });
  // The primary stops its workers (SIGTERM), also on a Ctrl-C, which reaches every process of the
  // terminal's group: a worker ignores SIGINT so that the primary does not take its exit for a crash.
  // The primary gone (killed, say) takes its workers with it.
  const ignore = (): void => undefined;
  signals.on('SIGINT', ignore);
  await new Promise<void>((stop) => {
    signals.once('SIGTERM', () => stop());
    process.once('disconnect', () => stop());
  });
  signals.off('SIGINT', ignore);
  await server.close();
  process.disconnect?.();
  return 0;
}

/** The CLI's own bin, which each worker runs (`serve` re-reads the same flags there). */
function binPath(): string {
  const candidates = ['../../bin/aigw-video.js', '../../../bin/aigw-video.js'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((p) => existsSync(p)) ?? (candidates[0] as string);
}

/**
 * `--workers N`: forks N processes that each serve on the same port (node:cluster hands them the
 * connections in turn) over the shared store. A worker that dies is replaced; the mock stops when
 * every worker has stopped after SIGINT/SIGTERM.
 */
async function serveWithWorkers(argv: string[], settings: ServeSettings, workers: number, io: CliIo, signals: NodeJS.EventEmitter): Promise<number> {
  cluster.setupPrimary({ exec: binPath(), args: ['serve', ...argv], silent: false });
  let stopping = false;
  const ready = new Map<number, ServedBy>();
  let started = false;
  const fork = (): Worker => {
    const worker = cluster.fork({ [WORKER_ENV]: '1' });
    worker.on('message', (message: { aigw?: string; server?: ServedBy }) => {
      if (message.aigw === 'ready' && message.server !== undefined) {
        ready.set(worker.id, message.server);
        if (!started && ready.size === workers) onAllReady();
      }
    });
    return worker;
  };
  let onAllReady: () => void = () => undefined;
  let onStartFailed: (reason: string) => void = () => undefined;
  const exited = (worker: Worker, code: number | null, signal: string | null): void => {
    const wasReady = ready.delete(worker.id);
    if (stopping) return;
    if (!started) return onStartFailed(`worker ${worker.process.pid ?? '?'} exited with ${signal ?? code} before it served`);
    io.err(`aigw-video serve: worker ${worker.process.pid ?? '?'} exited with ${signal ?? code}; starting another.\n`);
    // A worker that died before it served (Redis unreachable, say) is retried after a pause, not in a loop.
    setTimeout(() => void (stopping ? undefined : fork()), wasReady ? 0 : 1000).unref();
  };
  cluster.on('exit', exited);
  const stopAll = async (): Promise<void> => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => w.process.kill('SIGKILL'), 10_000);
            w.once('exit', () => {
              clearTimeout(force);
              done();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
    cluster.off('exit', exited);
  };
  try {
    const first = await new Promise<ServedBy>((resolve, reject) => {
      onAllReady = () => {
        started = true;
        resolve([...ready.values()][0] as ServedBy);
      };
      onStartFailed = (reason) => reject(new Error(`${reason} (its error is above); stopping the others.`));
      for (let i = 0; i < workers; i++) fork();
    });
    io.out([`aigw-video mock of the AIgateway video API at ${first.url}`, ...bannerLines(first, settings, workers, true)].join('\n'));
  } catch (error) {
    await stopAll();
    throw error;
  }
  await untilStopped(signals);
  await stopAll();
  if (settings.log !== null) io.out('aigw-video mock stopped.\n');
  return 0;
}
