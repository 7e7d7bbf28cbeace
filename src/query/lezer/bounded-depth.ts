import { GatehouseError } from '../../errors/gatehouse-error.js';

/**
 * Runs a recursive parse or rewrite and turns a JavaScript stack overflow (a query nested some
 * thousands deep) into a 400 that says so, instead of an internal error.
 */
export function withBoundedDepth<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof RangeError) || !/call stack/i.test(error.message)) throw error;
    throw new GatehouseError('QUERY_UNSUPPORTED', { reason: 'the query nests too deeply' });
  }
}
