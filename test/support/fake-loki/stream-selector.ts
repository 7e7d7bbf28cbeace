import type { Labels } from './fake-stream.js';
import { BadRequest } from './loki-answer.js';
import { tokenize, type Token } from './logql-tokens.js';

export interface FakeMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Every stream selector of a query, `{...}` outside strings, with where it stands. */
export function streamSelectorsIn(
  text: string,
): { matchers: FakeMatcher[]; from: number; to: number }[] {
  const tokens = tokenize(text);
  const found: { matchers: FakeMatcher[]; from: number; to: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.value !== '{' || tokens[i]?.kind !== 'op') continue;
    const { matchers, next } = selectorAt(tokens, i);
    found.push({ matchers, from: tokens[i]?.from ?? 0, to: tokens[next - 1]?.to ?? 0 });
    i = next - 1;
  }
  return found;
}

/** The selector whose `{` is at `open`, and the index of the token after its `}`. */
export function selectorAt(
  tokens: Token[],
  open: number,
): { matchers: FakeMatcher[]; next: number } {
  const matchers: FakeMatcher[] = [];
  let i = open + 1;
  while (tokens[i]?.value !== '}') {
    const [name, op, value] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (
      name?.kind !== 'word' ||
      !['=', '!=', '=~', '!~'].includes(op?.value ?? '') ||
      value?.kind !== 'str'
    )
      throw new BadRequest(`parse error : bad matcher at ${name?.from ?? 'end'}`);
    matchers.push({ name: name.value, op: op?.value as FakeMatcher['op'], value: value.value });
    i += 3;
    if (tokens[i]?.value === ',') i++;
    else if (tokens[i]?.value !== '}') throw new BadRequest('parse error : expected , or }');
  }
  return { matchers, next: i + 1 };
}

/** A selector with nothing after it (labels, label values, series, patterns, ...). */
export function parseSelectorOnly(text: string): FakeMatcher[] {
  const tokens = tokenize(text);
  if (tokens[0]?.value !== '{') throw new BadRequest(`parse error : expected a stream selector`);
  const { matchers, next } = selectorAt(tokens, 0);
  if (next !== tokens.length) throw new BadRequest('parse error : unexpected input after }');
  return checkedSelector(matchers);
}

/** Loki refuses a selector whose every matcher matches the empty value. */
export function checkedSelector(matchers: FakeMatcher[]): FakeMatcher[] {
  if (matchers.length > 0 && matchers.every((m) => matches('', m)))
    throw new BadRequest(
      'parse error : queries require at least one regexp or equality matcher that does not ' +
        'have an empty-compatible value',
    );
  return matchers;
}

/** RE2 with a leading `(?i)`; JavaScript's RegExp reads the rest the same for these tests. */
export function goRegex(source: string, anchored = false): RegExp {
  const insensitive = source.startsWith('(?i)');
  const body = insensitive ? source.slice(4) : source;
  return new RegExp(anchored ? `^(?:${body})$` : body, `s${insensitive ? 'i' : ''}`);
}

export function matches(value: string, matcher: FakeMatcher): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return goRegex(matcher.value, true).test(value);
    case '!~':
      return !goRegex(matcher.value, true).test(value);
    default: {
      const never: never = matcher.op;
      throw new Error(`unknown matcher ${String(never)}`);
    }
  }
}

/** A missing label reads as the empty value (Prometheus and Loki matcher semantics). */
export function matchesAll(labels: Labels, matchers: readonly FakeMatcher[]): boolean {
  return matchers.every((m) => matches(labels[m.name] ?? '', m));
}

/** Parses `{a="b", c=~"d"}` with the fake's own parser, for tests that filter streams. */
export function fakeSelector(text: string): FakeMatcher[] {
  return parseSelectorOnly(text);
}
