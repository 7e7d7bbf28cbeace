import { GatehouseError } from '../errors/gatehouse-error.js';

/** Field readers for API bodies: each failure is a 409 that names the field (Cloud behaviour). */
export function invalid(field: string, reason: string): GatehouseError {
  return new GatehouseError('API_INVALID_ARGUMENT', { field, reason });
}

export const namePattern = /^[a-z0-9_-]{1,255}$/;

export function readName(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || !namePattern.test(value)) {
    throw invalid(
      field,
      `expected 1 to 255 characters of a-z, 0-9, - and _, received ${preview(value)}`,
    );
  }

  return value;
}

/** displayName: optional, 1–255 characters; `""` means "use the name" (Terraform sends it). */
export function readDisplayName(
  body: Record<string, unknown>,
  fallback: string | undefined,
): string | undefined {
  const value = body.displayName;
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' || value.length > 255) {
    throw invalid(
      'displayName',
      `expected a string of 1 to 255 characters, received ${preview(value)}`,
    );
  }

  return value;
}

export function readStringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw invalid(field, `expected a list of strings, received ${preview(value)}`);
  }

  return value as string[];
}

export function readObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(field, `expected an object, received ${preview(value)}`);
  }

  return value as Record<string, unknown>;
}

/** RFC 3339 date-time; `null` is returned as null (e.g. "never expires"). */
export function readTime(value: unknown, field: string): Date | null {
  if (value === null) return null;

  const date =
    typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw invalid(
      field,
      `expected an RFC 3339 date-time such as 2030-01-01T00:00:00Z, received ${preview(value)}`,
    );
  }

  return date;
}

export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
