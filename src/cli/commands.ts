import type { CliIo } from './cli-io.js';

/** One `aigw-video <command>`: runs with the arguments after its name, resolves to the exit code. */
export type RunCommand = (argv: string[], io: CliIo) => Promise<number>;

export interface CliCommand {
  /** One line for `aigw-video --help`. */
  summary: string;
  /**
   * Imports the command's module only when it runs: `serve` and `--help` must not load what only
   * `verify` needs (fast-check, the checks) or what only `conformance` needs.
   */
  load: () => Promise<RunCommand>;
}

/** Every command, in the order `--help` lists them. A new command is one more entry. */
export const commands: Readonly<Record<string, CliCommand>> = {
  serve: {
    summary: 'Serve the mock of the AIgateway video API (default http://127.0.0.1:4010/v1)',
    load: async () => (await import('./serve.js')).runServe,
  },
  conformance: {
    summary: 'Run the SDK conformance kit against an adapter (reference, openai, or your command)',
    load: async () => (await import('./conformance.js')).runConformanceCommand,
  },
  verify: {
    summary: 'Run the contract suite against any base URL (the live gateway, a mock) and report drift',
    load: async () => (await import('./verify.js')).runVerify,
  },
  record: {
    summary: 'Record a gateway through a proxy into a HAR file (keys redacted)',
    load: async () => (await import('./record.js')).runRecord,
  },
  calibrate: {
    summary: "Learn a gateway's dialect and timings from a HAR into a profile (serve --profile)",
    load: async () => (await import('./calibrate.js')).runCalibrate,
  },
};
