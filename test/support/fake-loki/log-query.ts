import { BadRequest } from './loki-answer.js';
import { tokenize, type Token } from './logql-tokens.js';
import {
  checkedSelector,
  goRegex,
  selectorAt,
  streamSelectorsIn,
  type FakeMatcher,
} from './stream-selector.js';

/** What the fake evaluates of a log query: its stream selector and plain line filters. */
export interface LogQuery {
  matchers: FakeMatcher[];
  filters: ((line: string) => boolean)[];
}

/** A log query (selector first) as matchers and line filters; undefined for a metric query. */
export function parseLogQuery(text: string): LogQuery | undefined {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new BadRequest('parse error : empty query');
  if (tokens[0]?.value !== '{') return checkMetricQuery(text, tokens);

  const { matchers, next } = selectorAt(tokens, 0);
  return { matchers: checkedSelector(matchers), filters: lineFilters(tokens, next) };
}

/** Not evaluated, but read enough to refuse what Loki could not parse either. */
function checkMetricQuery(text: string, tokens: Token[]): undefined {
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'op' && (token.value === '(' || token.value === '[')) depth++;
    if (token.kind === 'op' && (token.value === ')' || token.value === ']')) depth--;
    if (depth < 0) throw new BadRequest(`parse error : unexpected ${token.value} at ${token.from}`);
  }
  if (depth !== 0) throw new BadRequest('parse error : unexpected end of query');
  streamSelectorsIn(text).forEach(({ matchers }) => checkedSelector(matchers));
  return undefined;
}

/** Plain line filters at the start of a pipeline stage; every other stage is skipped. */
function lineFilters(tokens: Token[], from: number): ((line: string) => boolean)[] {
  const filters: ((line: string) => boolean)[] = [];
  let i = from;
  while (i < tokens.length) {
    const op = tokens[i]?.value ?? '';
    const first = tokens[i + 1];
    if (!['|=', '!=', '|~', '!~'].includes(op) || first?.kind !== 'str') {
      i = nextStage(tokens, i + 1);
      continue;
    }

    const strings = [first.value];
    i += 2;
    while (tokens[i]?.value === 'or' && tokens[i + 1]?.kind === 'str') {
      strings.push(tokens[i + 1]?.value ?? '');
      i += 2;
    }
    filters.push(lineFilter(op, strings));
  }
  return filters;
}

function nextStage(tokens: Token[], from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const value = tokens[i]?.kind === 'op' ? tokens[i]?.value : undefined;
    if (value === '(') depth++;
    if (value === ')') depth--;
    if (depth === 0 && (value === '|' || value === '|=' || value === '|~' || value === '|>'))
      return i;
  }
  return tokens.length;
}

function lineFilter(op: string, strings: string[]): (line: string) => boolean {
  const regexes = op.endsWith('~') ? strings.map((s) => goRegex(s)) : [];
  const hit = (line: string) =>
    op.endsWith('~') ? regexes.some((r) => r.test(line)) : strings.some((s) => line.includes(s));
  return op.startsWith('!') ? (line) => !hit(line) : hit;
}
