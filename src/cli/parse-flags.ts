import { usageError } from './cli-error.js';

/** `value`: one value; `list`: repeatable; `switch`: present or not, takes no value. */
export type FlagKind = 'value' | 'list' | 'switch';

export interface FlagSpec {
  kind: FlagKind;
  /** One-letter alias, e.g. `o` for `-o`. */
  short?: string;
}

/** Long flag names (without `--`) and what they take. */
export type FlagSpecs = Record<string, FlagSpec>;

/** What a command line said: flag values by long name, and the positional arguments. */
export class ParsedFlags {
  readonly positionals: string[] = [];
  readonly #values = new Map<string, string[]>();

  value(name: string): string | undefined {
    return this.#values.get(name)?.[0];
  }

  list(name: string): string[] {
    return this.#values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  add(name: string, value: string): void {
    this.#values.set(name, [...this.list(name), value]);
  }
}

/**
 * Reads `--flag value`, `--flag=value`, `-o value` and `--` (the rest is positional). Unknown
 * flags and missing values are usage errors that name the flag and the command.
 */
export function parseFlags(
  args: readonly string[],
  specs: FlagSpecs,
  command: string,
): ParsedFlags {
  const parsed = new ParsedFlags();
  const rest = [...args];

  while (rest.length > 0) {
    const arg = rest.shift() as string;
    if (arg === '--') {
      parsed.positionals.push(...rest.splice(0));
      continue;
    }

    if (!arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }

    readFlag(arg, rest, specs, parsed, command);
  }

  return parsed;
}

function readFlag(
  arg: string,
  rest: string[],
  specs: FlagSpecs,
  parsed: ParsedFlags,
  command: string,
): void {
  const [written, inline] = splitInline(arg);
  const name = longName(written, specs);
  const spec = name === undefined ? undefined : specs[name];
  if (name === undefined || spec === undefined)
    throw usageError(`unknown flag ${written} for "${command}" (see ${helpHint(command)})`);

  if (spec.kind === 'switch') {
    if (inline !== undefined) throw usageError(`flag ${written} takes no value`);
    parsed.add(name, 'true');
    return;
  }

  const value = inline ?? takeValue(rest);
  if (value === undefined) throw usageError(`flag ${written} needs a value`);
  if (spec.kind === 'value' && parsed.has(name))
    throw usageError(`flag ${written} may be given only once`);

  parsed.add(name, value);
}

function splitInline(arg: string): [string, string | undefined] {
  const at = arg.indexOf('=');
  return at < 0 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)];
}

function longName(written: string, specs: FlagSpecs): string | undefined {
  if (written.startsWith('--')) return written.slice(2);
  if (written.length !== 2) return undefined;

  return Object.keys(specs).find((name) => specs[name]?.short === written.slice(1));
}

/** A following `--flag` is not a value: `--name --slug x` forgot the name. */
function takeValue(rest: string[]): string | undefined {
  const next = rest[0];
  if (next === undefined || next.startsWith('--')) return undefined;

  return rest.shift();
}

function helpHint(command: string): string {
  const [program, resource] = command.split(' ');
  return resource === undefined ? `${program} help` : `${program} ${resource} --help`;
}
