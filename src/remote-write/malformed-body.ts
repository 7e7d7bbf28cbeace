import { GatehouseError } from '../errors/gatehouse-error.js';

/** The one error a bad remote-write body produces (400), with what is wrong in `reason`. */
export function malformedBody(reason: string): GatehouseError {
  return new GatehouseError('BODY_MALFORMED', { reason });
}
