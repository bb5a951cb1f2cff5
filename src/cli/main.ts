import { processIo, UsageError, type CliIo } from './cli-io.js';
import { runConformanceCommand } from './conformance.js';
import { runCalibrate } from './calibrate.js';
import { runRecord } from './record.js';
import { runServe } from './serve.js';
import { runVerify } from './verify.js';

const USAGE = `Usage: aigw-video <command> [options]

Commands:
  serve         Serve the mock of the AIgateway video API (default http://127.0.0.1:4010/v1)
  conformance   Run the SDK conformance kit against an adapter (reference, openai, or your command)
  verify        Run the contract suite against any base URL (the live gateway, a mock) and report drift
  record        Record a gateway through a proxy into a HAR file (keys redacted)
  calibrate     Learn a gateway's dialect and timings from a HAR into a profile (serve --profile)

Run \`aigw-video <command> --help\` for a command's options.
`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  serve: runServe,
  conformance: runConformanceCommand,
  verify: runVerify,
  record: runRecord,
  calibrate: runCalibrate,
};

/** Runs the CLI with its arguments (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    io.err(`aigw-video: unknown command '${command}'.\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.err(`aigw-video ${command}: ${(error as Error).message}\n${usage ? `Run \`aigw-video ${command} --help\` for the options.\n` : ''}`);
    return usage ? 2 : 1;
  }
}
