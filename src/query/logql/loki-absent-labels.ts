import { setLabel } from '../promql/absent-labels.js';
import type { LabelMatcher } from '../../model/label-matcher.js';

/**
 * The labels Loki gives the sample `absent_over_time` returns, from the stream selector's
 * matchers (Loki pkg/logql absentLabels): the first `=` on a name sets that label (an empty value
 * sets nothing), and a name that also has a non-`=` matcher or a second `=` is removed at the
 * end. Unlike Prometheus, the removal does not depend on the order: {a=~"x", a="b"} gives {}.
 */
export function lokiAbsentLabels(matchers: readonly LabelMatcher[]): Map<string, string> {
  const labels = new Map<string, string>();
  const removed = new Set<string>();
  for (const matcher of matchers) {
    if (matcher.name === '__name__') {
      continue;
    }
    if (matcher.op === '=' && !labels.has(matcher.name)) {
      setLabel(labels, matcher.name, matcher.value);
    } else {
      removed.add(matcher.name);
    }
  }

  for (const name of removed) {
    labels.delete(name);
  }
  return labels;
}
