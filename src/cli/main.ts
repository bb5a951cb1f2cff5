const USAGE = `Usage: aigw-video <command> [options]

Commands:
  serve         Serve the mock of the AIgateway video API (default http://127.0.0.1:4010/v1)
  verify        Run the contract suite against a base URL
  conformance   Run the SDK conformance kit against a client adapter

Run \`aigw-video <command> --help\` for a command's options.
`;

/** Runs the CLI with its arguments (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'serve') {
    process.stdout.write('aigw-video serve: the mock arrives with the next milestone (issue 3).\n');
    return 0;
  }
  process.stderr.write(`aigw-video: unknown command '${command}'.\n\n${USAGE}`);
  return 2;
}
