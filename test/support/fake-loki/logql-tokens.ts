import { BadRequest } from './loki-answer.js';

export interface Token {
  kind: 'str' | 'op' | 'word';
  /** The decoded value for strings, the text otherwise. */
  value: string;
  from: number;
  to: number;
}

const operators = ['|=', '|~', '|>', '!=', '!~', '!>', '=~', '==', '>=', '<=', '||'];

/** LogQL's lexical tokens: strings decoded, whitespace dropped. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    if (/\s/.test(char)) {
      at++;
    } else if (char === '#') {
      // A comment runs to the end of the line.
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end;
    } else if (char === '"' || char === '`') {
      const end = closingQuote(text, at);
      tokens.push({ kind: 'str', value: unquote(text.slice(at, end + 1)), from: at, to: end + 1 });
      at = end + 1;
    } else if (/[\w.:]/.test(char)) {
      const word = /^[\w.:]+/.exec(text.slice(at))?.[0] ?? char;
      tokens.push({ kind: 'word', value: word, from: at, to: at + word.length });
      at += word.length;
    } else {
      const op = operators.find((o) => text.startsWith(o, at)) ?? char;
      tokens.push({ kind: 'op', value: op, from: at, to: at + op.length });
      at += op.length;
    }
  }
  return tokens;
}

function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let at = start + 1; at < text.length; at++) {
    if (quote === '"' && text[at] === '\\') at++;
    else if (text[at] === quote) return at;
  }
  throw new BadRequest(`parse error : unterminated string at ${start}`);
}

/** Go's one-character escapes (strconv.Unquote). */
const simpleEscapes: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Go's strconv.Unquote for the escapes LogQL strings use; back-quoted strings are raw. */
export function unquote(quoted: string): string {
  const body = quoted.slice(1, -1);
  if (quoted.startsWith('`')) return body;

  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g,
    (_all, esc: string) => unescape(esc),
  );
}

function unescape(esc: string): string {
  if (esc.length === 1) {
    const simple = simpleEscapes[esc];
    if (simple === undefined) throw new BadRequest(`parse error : invalid escape \\${esc}`);
    return simple;
  }

  const base = /^[0-7]/.test(esc) ? 8 : 16;
  return String.fromCodePoint(parseInt(base === 8 ? esc : esc.slice(1), base));
}
