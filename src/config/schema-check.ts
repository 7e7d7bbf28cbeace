/**
 * A small validator for the YAML config: every check knows its key path, so a failure names the
 * key, what was expected and what was received. Unknown keys are errors (docs/configuration.md).
 */
export class ConfigError extends Error {
  constructor(path: string, expected: string, received: unknown) {
    super(`config key ${path || '(root)'}: expected ${expected}, received ${describe(received)}`);
    this.name = 'ConfigError';
  }
}

export type Check<T> = (value: unknown, path: string) => T;

export function str(options: { pattern?: RegExp; hint?: string } = {}): Check<string> {
  return (value, path) => {
    if (typeof value !== 'string' || value === '') {
      throw new ConfigError(path, options.hint ?? 'a non-empty string', value);
    }

    if (options.pattern && !options.pattern.test(value)) {
      throw new ConfigError(path, options.hint ?? `a string matching ${options.pattern}`, value);
    }

    return value;
  };
}

export function int(min: number, max: number): Check<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(path, `an integer from ${min} to ${max}`, value);
    }

    return value;
  };
}

export function bool(): Check<boolean> {
  return (value, path) => {
    if (typeof value !== 'boolean') throw new ConfigError(path, 'true or false', value);
    return value;
  };
}

export function oneOf<const T extends string>(choices: readonly T[]): Check<T> {
  return (value, path) => {
    if (typeof value !== 'string' || !choices.includes(value as T)) {
      throw new ConfigError(path, `one of ${choices.join(' | ')}`, value);
    }

    return value as T;
  };
}

export function list<T>(item: Check<T>, options: { min?: number } = {}): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) throw new ConfigError(path, 'a list', value);

    if (value.length < (options.min ?? 0)) {
      throw new ConfigError(path, `a list of at least ${options.min} item(s)`, value);
    }

    return value.map((entry, index) => item(entry, `${path}[${index}]`));
  };
}

type Shape = Record<string, Check<unknown>>;
type Parsed<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/**
 * An object with the given keys. A key that is absent (or null) takes its default from
 * `defaults`; a key without default is required.
 */
export function obj<S extends Shape>(
  shape: S,
  defaults: Partial<Parsed<S>> = {},
): Check<Parsed<S>> {
  return (value, path) => {
    const input = value ?? {};
    if (typeof input !== 'object' || Array.isArray(input)) {
      throw new ConfigError(path, 'a mapping', value);
    }

    rejectUnknownKeys(input as Record<string, unknown>, shape, path);

    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      out[key] = readKey(input as Record<string, unknown>, key, check, defaults, join(path, key));
    }

    return out as Parsed<S>;
  };
}

function readKey(
  input: Record<string, unknown>,
  key: string,
  check: Check<unknown>,
  defaults: Record<string, unknown>,
  path: string,
): unknown {
  const raw = input[key];
  if (raw !== undefined && raw !== null) return check(raw, path);
  if (key in defaults) return defaults[key];
  if (isOptional(check)) return undefined;

  // A mapping without default fills itself from its own defaults; anything else is required.
  return check(undefined, path);
}

const optionalChecks = new WeakSet<Check<unknown>>();

/**
 * A check whose key may be left out entirely (the value is then undefined). It wraps the check,
 * so a shared check (e.g. an URL) made optional in one place stays required elsewhere.
 */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  const wrapped: Check<T | undefined> = (value, path) => check(value, path);
  optionalChecks.add(wrapped as Check<unknown>);
  return wrapped;
}

function isOptional(check: Check<unknown>): boolean {
  return optionalChecks.has(check);
}

function rejectUnknownKeys(input: Record<string, unknown>, shape: Shape, path: string): void {
  for (const key of Object.keys(input)) {
    if (!(key in shape)) {
      const known = Object.keys(shape).join(', ');
      throw new ConfigError(join(path, key), `one of the known keys (${known})`, 'an unknown key');
    }
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === 'an unknown key') return value;
  if (value === undefined) return 'nothing';
  return JSON.stringify(value);
}
