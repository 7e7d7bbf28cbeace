import { GatehouseError } from '../../errors/gatehouse-error.js';

/**
 * The longest query Gatehouse parses. Parsing, rewriting and verifying cost about a second per
 * megabyte on the single event loop; no dashboard query comes near this, a hostile one would
 * stall every other request.
 */
export const maxQueryLength = 65_536;

export function refuseLongQuery(text: string): void {
  if (text.length <= maxQueryLength) return;

  throw new GatehouseError('QUERY_UNSUPPORTED', {
    reason: `the query is ${text.length} characters long; at most ${maxQueryLength} are parsed`,
  });
}
