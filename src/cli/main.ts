import { defaultUrl } from './api-client.js';
import { CliError, exitCodes } from './cli-error.js';
import type { CliIo } from './command-context.js';
import { policiesCommands } from './policies-commands.js';
import { runResource, type Resource } from './resource-command.js';
import { stacksCommands } from './stacks-commands.js';
import { tokensCommands } from './tokens-commands.js';

const serveSynopsis = 'serve [--config <file>]   run the API and gateway (or GATEHOUSE_CONFIG)';
const resources: Resource[] = [stacksCommands, policiesCommands, tokensCommands];

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};

/** `gatehouse <command>`: exit 0 on success, 1 when the API or network failed, 2 for misuse. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;

    io.err(`gatehouse: ${error.message}\n`);
    return error.exitCode;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  // Loaded on demand: the management commands need neither the server nor its native modules.
  if (command === 'serve') return (await import('./serve-command.js')).serve(rest);

  const resource = resources.find((candidate) => candidate.name === command);
  if (resource) return runResource(resource, rest, io);

  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(usage());
    return 0;
  }

  io.err(`gatehouse: unknown command "${command}"\n\n${usage()}`);
  return exitCodes.usage;
}

function usage(): string {
  const width = Math.max(...resources.map((resource) => resource.name.length));
  const lines = resources.map(
    (resource) =>
      `  ${resource.name.padEnd(width)}  list|get|create|update|delete   ${resource.about}`,
  );

  return [
    'usage: gatehouse <command> [flags]',
    '',
    `  ${serveSynopsis}`,
    ...lines,
    '',
    'gatehouse <resource> --help shows the flags of each command.',
    `The resource commands call the management API at GATEHOUSE_URL (default ${defaultUrl})`,
    'with the token in GATEHOUSE_TOKEN; --region defaults to GATEHOUSE_REGION, else local.',
    '',
  ].join('\n');
}
