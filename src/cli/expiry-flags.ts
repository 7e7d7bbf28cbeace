import { usageError } from './cli-error.js';
import type { ParsedFlags } from './parse-flags.js';

const unitMs: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A token's `expiresAt` from `--expires-at <RFC 3339>`, `--expires-in <n>m|h|d|w` or
 * `--no-expiry` (null, which the API reads as "never expires"); undefined when none is given.
 */
export function readExpiry(flags: ParsedFlags, now: Date = new Date()): string | null | undefined {
  const given = ['expires-at', 'expires-in', 'no-expiry'].filter((flag) => flags.has(flag));
  if (given.length > 1)
    throw usageError(`give only one of ${given.map((flag) => `--${flag}`).join(', ')}`);

  if (flags.has('no-expiry')) return null;

  const at = flags.value('expires-at');
  if (at !== undefined) return readAt(at);

  const within = flags.value('expires-in');
  return within === undefined ? undefined : readWithin(within, now);
}

/** Passed on as written: the API checks it and echoes the message if it is wrong. */
function readAt(value: string): string {
  if (/^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value))) return value;

  throw usageError(
    `--expires-at expects an RFC 3339 time such as 2030-01-01T00:00:00Z, received "${value}"`,
  );
}

/** Whole seconds with `Z`, the form the API answers with. */
function readWithin(value: string, now: Date): string {
  const match = /^(\d+)([mhdw])$/.exec(value);
  const count = Number(match?.[1]);
  const unit = unitMs[match?.[2] ?? ''];
  if (!match || unit === undefined || count <= 0)
    throw usageError(
      `--expires-in expects a count and a unit m, h, d or w such as 30d, received "${value}"`,
    );

  const at = new Date(now.getTime() + count * unit);
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
