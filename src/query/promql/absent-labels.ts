import type { LabelMatcher } from '../../model/label-matcher.js';

/**
 * The labels `absent(sel)` / `absent_over_time(sel[r])` give their output, following Prometheus
 * 2.42 promql/functions.go createLabelsForAbsentFunction: matchers are read in order, the first
 * `=` on a label sets it (an empty value sets nothing), and any later matcher on that label, or
 * any non-`=` matcher, deletes whatever is set so far. `__name__` is never a label. Checked on
 * 2.42: x{a="b",a="b"} gives {}, x{a=~"c",a="b"} gives {a="b"}.
 */
export function absentLabels(matchers: readonly LabelMatcher[]): Map<string, string> {
  const labels = new Map<string, string>();
  const seen = new Set<string>();
  for (const matcher of matchers) {
    if (matcher.name === '__name__') {
      continue;
    }
    if (matcher.op === '=' && !seen.has(matcher.name)) {
      setLabel(labels, matcher.name, matcher.value);
      seen.add(matcher.name);
    } else {
      labels.delete(matcher.name);
    }
  }
  return labels;
}

/** labels.Builder.Set deletes the label when the value is empty. */
export function setLabel(labels: Map<string, string>, name: string, value: string): void {
  if (value === '') {
    labels.delete(name);
    return;
  }
  labels.set(name, value);
}

export function sameLabels(
  a: ReadonlyMap<string, string>,
  b: ReadonlyMap<string, string>,
): boolean {
  return a.size === b.size && [...a].every(([name, value]) => b.get(name) === value);
}
