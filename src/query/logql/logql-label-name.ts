import { parser } from '@grafana/lezer-logql';

import { unsupported } from '../promql/promql-errors.js';

/** lezer-logql's Identifier token; LogQL has no quoted form of a label name. */
const identifier = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * A label name as LogQL reads it. lezer-logql turns some identifiers into keywords wherever they
 * appear (`json`, `offset`, `drop`, ... in any case), so a name is printable only when the
 * parser reads `{name=""}` back without an error. A policy label that LogQL cannot name fails
 * closed.
 */
export function formatLogqlLabelName(name: string): string {
  if (!isPrintableLabelName(name)) {
    throw unsupported(`label name ${JSON.stringify(name)} cannot be written in a LogQL query`);
  }
  return name;
}

export function isPrintableLabelName(name: string): boolean {
  return identifier.test(name) && parsesAsMatcher(name);
}

function parsesAsMatcher(name: string): boolean {
  let error = false;
  parser.parse(`{${name}=""}`).iterate({
    enter: (node) => {
      error ||= node.type.isError;
      return !error;
    },
  });
  return !error;
}
