import { errorCodes, type ErrorCode } from './error-codes.js';

export type ErrorParams = Record<string, string | number>;

/** An expected failure with a stable code; everything else is a bug and becomes INTERNAL. */
export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}) {
    super(formatMessage(errorCodes[code].message, params));
    this.name = 'GatehouseError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.params = params;
  }
}

export function isGatehouseError(value: unknown): value is GatehouseError {
  return value instanceof GatehouseError;
}

function formatMessage(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = params[key];
    return value === undefined ? whole : String(value);
  });
}
