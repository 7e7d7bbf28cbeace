import { ApiClient, defaultUrl } from './api-client.js';
import { usageError } from './cli-error.js';
import { CommandContext, type CliIo } from './command-context.js';
import { parseFlags, type FlagSpecs } from './parse-flags.js';

export const verbs = ['list', 'get', 'create', 'update', 'delete'] as const;
export type Verb = (typeof verbs)[number];

/** One management command, e.g. `gatehouse tokens create`. */
export interface Command {
  /** The arguments and flags, as shown by `--help`. */
  synopsis: string;
  flags: FlagSpecs;
  /** How many positional arguments (an id) it takes. */
  positionals: 0 | 1;
  run(context: CommandContext): Promise<void>;
}

/** A resource of the management API and its five commands. */
export interface Resource {
  name: string;
  about: string;
  commands: Record<Verb, Command>;
  /** Extra lines for `--help` (what ids are accepted, what the table shows). */
  notes: string;
}

const commonFlags: FlagSpecs = {
  output: { kind: 'value', short: 'o' },
  help: { kind: 'switch', short: 'h' },
};

/** `gatehouse <resource> <verb> [args] [flags]`: help, flag checks, then the command. */
export async function runResource(resource: Resource, args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === 'help' || wantsHelp(args)) {
    io.out(resourceUsage(resource));
    return 0;
  }

  const command = findCommand(resource, verb);
  const label = `gatehouse ${resource.name} ${verb}`;
  const flags = parseFlags(rest, { ...commonFlags, ...command.flags }, label);
  if (flags.positionals.length !== command.positionals)
    throw usageError(positionalProblem(label, command, flags.positionals));

  const context = new CommandContext(label, flags, io, () => ApiClient.fromEnv(io.env));
  await command.run(context);
  return 0;
}

export function resourceUsage(resource: Resource): string {
  const lines = verbs.flatMap((verb) =>
    wrap(`gatehouse ${resource.name} ${verb} ${resource.commands[verb].synopsis}`),
  );

  return [
    `usage: gatehouse ${resource.name} <command> [flags]   (${resource.about})`,
    '',
    ...lines,
    '',
    resource.notes.trimEnd(),
    '',
    'Every command: -o, --output json|table (default table; json prints the API answer as is).',
    `Environment: GATEHOUSE_URL (default ${defaultUrl}), GATEHOUSE_TOKEN (a glc_ token),`,
    '  GATEHOUSE_REGION (the default of --region where it has one; else local).',
    '',
  ].join('\n');
}

/** Synopses wrap at 100 columns before a flag, never between a flag and its value. */
function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = ' ';
  for (const word of text.split(/ (?=\[|--|\()/)) {
    if (line.length + word.length + 1 > width && line.trim() !== '') {
      lines.push(line);
      line = '     ';
    }
    line += ` ${word}`;
  }

  return [...lines, line];
}

/** `--help` or `-h` anywhere before `--` asks for help, whatever else the line says. */
function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  const flags = end < 0 ? args : args.slice(0, end);

  return flags.some((arg) => arg === '--help' || arg === '-h');
}

function findCommand(resource: Resource, verb: string): Command {
  if ((verbs as readonly string[]).includes(verb)) return resource.commands[verb as Verb];

  throw usageError(
    `unknown command "${verb}" for gatehouse ${resource.name}; expected ${verbs.join(', ')}`,
  );
}

function positionalProblem(label: string, command: Command, given: string[]): string {
  if (command.positionals === 0) return `"${label}" takes no arguments, received "${given[0]}"`;
  if (given.length === 0) return `"${label}" needs an id`;

  return `"${label}" takes one id, received ${given.length} arguments: ${given.join(' ')}`;
}
