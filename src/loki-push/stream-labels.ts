import { isClassicLabelName } from '../query/promql/label-name.js';
import { malformedBody } from '../remote-write/malformed-body.js';

/** One label of a Loki stream, e.g. `app="shop"`. */
export interface StreamLabel {
  readonly name: string;
  readonly value: string;
}

/** The labels of one stream: names unique, sorted by name, never empty. */
export type StreamLabels = readonly StreamLabel[];

/** A lone UTF-16 surrogate: JSON can escape one (`"\ud800"`), no UTF-8 text can hold one. */
const loneSurrogate = /[\ud800-\udfff]/u;

/**
 * Checks a stream's labels as Loki's distributor would have them and returns them sorted by name.
 * Loki reads names as LogQL identifiers, refuses a stream without labels and one that repeats a
 * name (validation.go); a repeated name is refused here too because it would let a client send
 * two values for the tenant label and bet on which one a reader keeps.
 */
export function checkStreamLabels(labels: readonly StreamLabel[], where: string): StreamLabels {
  if (labels.length === 0) throw malformedBody(`${where} has no labels`);

  const sorted = [...labels].sort(byName);
  sorted.forEach((label, index) => {
    checkLabel(label, where);
    if (index > 0 && sorted[index - 1]?.name === label.name) {
      throw malformedBody(`${where} repeats label ${label.name}`);
    }
  });

  return sorted;
}

/** The labels with `forced` set: any label of that name the client sent is replaced. */
export function withForcedLabel(labels: StreamLabels, forced: StreamLabel): StreamLabels {
  const kept = labels.filter((label) => label.name !== forced.name);
  return [...kept, forced].sort(byName);
}

function checkLabel(label: StreamLabel, where: string): void {
  if (!isClassicLabelName(label.name)) {
    throw malformedBody(
      `${where} has label name ${JSON.stringify(label.name)}; expected [a-zA-Z_][a-zA-Z0-9_]*`,
    );
  }
  if (loneSurrogate.test(label.value)) {
    throw malformedBody(`${where} has a value of label ${label.name} that is not valid Unicode`);
  }
}

/** Names are ASCII, so UTF-16 order is byte order, the order Loki keeps labels in. */
function byName(a: StreamLabel, b: StreamLabel): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}
