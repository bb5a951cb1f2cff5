import { clientVersion } from '../client/version.js';
import { processIo, UsageError, type CliIo } from './cli-io.js';
import { commands } from './commands.js';

const options: ReadonlyArray<readonly [string, string]> = [
  ['-h, --help', 'this help'],
  ['-v, --version', 'the version of aigw-video-kit'],
];

function usage(): string {
  const width = Math.max(...[...Object.keys(commands), ...options.map(([flags]) => flags)].map((left) => left.length)) + 3;
  const row = (left: string, right: string): string => `  ${left.padEnd(width)}${right}`;
  return [
    'Usage: aigw-video <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, command]) => row(name, command.summary)),
    '',
    'Options:',
    ...options.map(([flags, summary]) => row(flags, summary)),
    '',
    "Run `aigw-video <command> --help` for a command's options.",
    '',
  ].join('\n');
}

/** Runs the CLI with its arguments (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(usage());
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    io.out(`${clientVersion}\n`);
    return 0;
  }
  const entry = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (entry === undefined) {
    io.err(`aigw-video: unknown command '${command}'.\n\n${usage()}`);
    return 2;
  }
  try {
    const run = await entry.load();
    return await run(rest, io);
  } catch (error) {
    const usageError = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.err(`aigw-video ${command}: ${(error as Error).message}\n${usageError ? `Run \`aigw-video ${command} --help\` for the options.\n` : ''}`);
    return usageError ? 2 : 1;
  }
}
