import type { Selector } from '../../model/label-matcher.js';
import { matcherMatchesEmpty } from '../promql/matcher-matches-empty.js';
import type { Grouping, LogRange, PipelineStage } from './logql-ast.js';

/** Every label name any policy selector constrains. */
export function policyLabelNames(scope: readonly Selector[]): Set<string> {
  return new Set(scope.flatMap((selector) => selector.map((matcher) => matcher.name)));
}

/**
 * Policy labels a stream inside the scope may lack: some selector has no matcher on the label
 * that refuses the empty value. For such a label a parser can add a value the stream does not
 * have, which only a clash with an existing stream label would prevent (Loki docs, parser
 * expression: a clashing extracted label gets the `_extracted` suffix).
 */
export function optionalPolicyLabels(scope: readonly Selector[]): Set<string> {
  const names = policyLabelNames(scope);
  const required = (selector: Selector, name: string): boolean =>
    selector.some((m) => m.name === name && matcherMatchesEmpty(m) === false);
  return new Set([...names].filter((name) => !scope.every((s) => required(s, name))));
}

/**
 * Policy labels whose stream value may not reach the range aggregation's output unchanged:
 * `label_format` writing or renaming away the label, `drop` naming it, `keep` not naming it bare,
 * and unwrapping it (its value becomes the sample). Filters and line formatting change no label.
 */
export function changedPolicyLabels(range: LogRange, names: ReadonlySet<string>): string[] {
  const changed = new Set(range.pipeline.flatMap((stage) => changedBy(stage, names)));
  if (range.unwrap && names.has(range.unwrap.label)) {
    changed.add(range.unwrap.label);
  }
  return [...changed];
}

function changedBy(stage: PipelineStage, names: ReadonlySet<string>): string[] {
  switch (stage.kind) {
    case 'labelFormat':
      return stage.ops
        .flatMap((op) => (op.kind === 'rename' ? [op.dst, op.src] : [op.dst]))
        .filter((name) => names.has(name));
    case 'drop':
      return stage.labels
        .map((label) => (label.kind === 'name' ? label.name : label.matcher.name))
        .filter((name) => names.has(name));
    case 'keep': {
      const kept = new Set(stage.labels.flatMap((l) => (l.kind === 'name' ? [l.name] : [])));
      return [...names].filter((name) => !kept.has(name));
    }
    default:
      return [];
  }
}

/**
 * Optional policy labels a parser stage may add. `json`, `logfmt` and `unpack` without
 * parameters extract any key of the line; with parameters, the listed labels. For `regexp` and
 * `pattern` a label counts when its name appears anywhere in the expression (a superset of the
 * named captures, which is the safe side).
 */
export function extractablePolicyLabels(range: LogRange, optional: ReadonlySet<string>): string[] {
  const found = new Set(range.pipeline.flatMap((stage) => extractedBy(stage, optional)));
  return [...found];
}

function extractedBy(stage: PipelineStage, optional: ReadonlySet<string>): string[] {
  switch (stage.kind) {
    case 'json':
    case 'logfmt': {
      const labels = stage.extractions.map((extraction) => extraction.label);
      return stage.extractions.length === 0 ? [...optional] : labels.filter((l) => optional.has(l));
    }
    case 'unpack':
      return [...optional];
    case 'regexp':
    case 'pattern':
      return [...optional].filter((name) => stage.expression.includes(name));
    default:
      return [];
  }
}

/** The policy labels a `by`/`without` clause removes from the output. */
export function policyLabelsLostByGrouping(
  grouping: Grouping | undefined,
  names: ReadonlySet<string>,
): string[] {
  if (!grouping) {
    return [];
  }
  const listed = new Set(grouping.labels);
  return [...names].filter((name) => listed.has(name) === grouping.without);
}
