import type { LabelMatcher, Selector } from '../../model/label-matcher.js';
import { printMatchers } from './print-promql.js';
import { quoteRegex } from './quote-regex.js';

/**
 * The policy selectors in the fewest, simplest pieces: duplicates dropped, and selectors that
 * differ only in one label whose matchers are `=` or `=~` merged into one regex matcher (rule 2),
 * so the rewrite can AND one selector instead of building a union. `'all'` means a selector with
 * no matchers is present, so every series is visible.
 */
export function normalizeScope(scope: readonly Selector[]): Selector[] | 'all' {
  if (scope.some((selector) => selector.length === 0)) {
    return 'all';
  }

  const unique = dedupe(scope);
  if (unique.length < 2) {
    return unique;
  }
  const merged = mergeByOneLabel(unique);
  return merged ? [merged] : unique;
}

function key(matchers: readonly LabelMatcher[]): string {
  return printMatchers([...matchers].sort(compareMatchers), false);
}

function compareMatchers(a: LabelMatcher, b: LabelMatcher): number {
  return a.name.localeCompare(b.name) || a.op.localeCompare(b.op) || a.value.localeCompare(b.value);
}

function dedupe(scope: readonly Selector[]): Selector[] {
  const seen = new Map<string, Selector>();
  for (const selector of scope) {
    seen.set(key(selector), seen.get(key(selector)) ?? selector);
  }
  return [...seen.values()];
}

function mergeByOneLabel(scope: readonly Selector[]): Selector | undefined {
  const first = scope[0] ?? [];
  for (const label of new Set(first.map((matcher) => matcher.name))) {
    const merged = mergeOn(label, scope);
    if (merged) {
      return merged;
    }
  }
  return undefined;
}

/** Merges when every selector has exactly one `=`/`=~` matcher on `label` and equal rest. */
function mergeOn(label: string, scope: readonly Selector[]): Selector | undefined {
  const rests = new Set<string>();
  const alternatives: string[] = [];
  for (const selector of scope) {
    const on = selector.filter((matcher) => matcher.name === label);
    const only = on[0];
    if (on.length !== 1 || !only || (only.op !== '=' && only.op !== '=~')) {
      return undefined;
    }
    rests.add(key(selector.filter((matcher) => matcher.name !== label)));
    alternatives.push(only.op === '=' ? quoteRegex(only.value) : `(?:${only.value})`);
  }
  if (rests.size !== 1) {
    return undefined;
  }

  const rest = (scope[0] ?? []).filter((matcher) => matcher.name !== label);
  return [...rest, { name: label, op: '=~', value: alternatives.join('|') }];
}
