import type { ApiClient } from './api-client.js';
import { usageError } from './cli-error.js';
import type { ParsedFlags } from './parse-flags.js';

export type OutputFormat = 'json' | 'table';

/** Where a command writes and what it may read from the environment. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** What one management command runs with: its flags, the API and the output format. */
export class CommandContext {
  readonly flags: ParsedFlags;
  readonly io: CliIo;
  readonly format: OutputFormat;
  readonly #api: () => ApiClient;
  readonly #command: string;

  constructor(command: string, flags: ParsedFlags, io: CliIo, api: () => ApiClient) {
    this.#command = command;
    this.flags = flags;
    this.io = io;
    this.format = readFormat(flags.value('output'));
    this.#api = api;
  }

  /** Built on first use, so `--help` and usage errors need no URL or token. */
  get api(): ApiClient {
    return this.#api();
  }

  /** `--region`, else GATEHOUSE_REGION, else `local` (the default region of a fresh config). */
  get region(): string {
    return this.flags.value('region') ?? (this.io.env.GATEHOUSE_REGION || 'local');
  }

  /** The positional argument, e.g. the id of `get <id>`. */
  get target(): string {
    const target = this.flags.positionals[0];
    if (target === undefined) throw usageError(`"${this.#command}" needs an id`);

    return target;
  }

  required(flag: string): string {
    const value = this.flags.value(flag);
    if (value === undefined || value === '') throw usageError(`"${this.#command}" needs --${flag}`);

    return value;
  }

  requiredList(flag: string): string[] {
    const values = this.flags.list(flag);
    if (values.length === 0) throw usageError(`"${this.#command}" needs at least one --${flag}`);

    return values;
  }

  /** The API's answer as is (`-o json`), or the table the command draws from it. */
  print(answer: unknown, table: () => string): void {
    this.io.out(this.format === 'json' ? `${JSON.stringify(answer, null, 2)}\n` : table());
  }

  /** A body with no field to change is a mistake on the command line, not an empty update. */
  requireChanges(body: Record<string, unknown>): void {
    if (Object.keys(body).length === 0)
      throw usageError(`"${this.#command}" needs at least one flag saying what to change`);
  }
}

function readFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'table') return 'table';
  if (value === 'json') return 'json';

  throw usageError(`-o expects json or table, received "${value}"`);
}
