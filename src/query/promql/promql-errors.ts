import { GatehouseError } from '../../errors/gatehouse-error.js';

/** Which input failed to parse; it names the field in the client's error message. */
export type ParseWhat = 'query' | 'match[]' | 'selector';

export function parseError(what: ParseWhat, reason: string): GatehouseError {
  return new GatehouseError('QUERY_PARSE_ERROR', { what, reason });
}

export function unsupported(reason: string): GatehouseError {
  return new GatehouseError('QUERY_UNSUPPORTED', { reason });
}
