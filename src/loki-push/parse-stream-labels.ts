import { unquotePromqlString } from '../query/promql/promql-string.js';
import type { GatehouseError } from '../errors/gatehouse-error.js';
import { malformedBody } from '../remote-write/malformed-body.js';
import { checkStreamLabels, type StreamLabel, type StreamLabels } from './stream-labels.js';

const nameStart = /[a-zA-Z_]/;
const namePart = /[a-zA-Z0-9_]/;
const space = /[ \t\r\n]/;
const PREVIEW_CHARS = 80;

/**
 * Parses the `labels` text of a protobuf push stream, e.g. `{app="shop", env="prod"}`.
 *
 * Loki reads this text with its LogQL parser (syntax.ParseLabels) as a selector of `=` matchers.
 * Gatehouse accepts a strict subset of that grammar: `{`, `name="value"` pairs separated by
 * commas, `}`, with whitespace allowed between tokens. Values are double-quoted strings with Go
 * escapes or back-quoted raw strings, as LogQL's lexer (Go text/scanner, strconv.Unquote) reads
 * them. No other operator, no metric name before `{`, no trailing comma, no single quotes.
 */
export function parseStreamLabels(text: string, where: string): StreamLabels {
  const labels = new LabelTextCursor(text, where).readAll();
  return checkStreamLabels(labels, where);
}

class LabelTextCursor {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly where: string,
  ) {}

  readAll(): StreamLabel[] {
    const labels: StreamLabel[] = [];
    this.expect('{');
    if (!this.accept('}')) {
      labels.push(this.label());
      while (this.accept(',')) labels.push(this.label());
      this.expect('}');
    }

    this.skipSpace();
    if (this.pos < this.text.length) throw this.fail('the end of the text after }');

    return labels;
  }

  private label(): StreamLabel {
    const name = this.name();
    this.expect('=');
    return { name, value: this.value() };
  }

  private name(): string {
    this.skipSpace();
    const start = this.pos;
    if (!nameStart.test(this.text[this.pos] ?? '')) throw this.fail('a label name');

    this.pos++;
    while (namePart.test(this.text[this.pos] ?? '')) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private value(): string {
    this.skipSpace();
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== '`') throw this.fail('a double-quoted label value');

    const end = quote === '"' ? this.closingQuote() : this.text.indexOf('`', this.pos + 1);
    if (end < 0) throw this.fail(`a closing ${quote}`);

    const decoded = unquotePromqlString(this.text.slice(this.pos, end + 1));
    if ('error' in decoded) throw this.fail(`a valid string (${decoded.error})`);

    this.pos = end + 1;
    return decoded.value;
  }

  /** Go's scanner ends a double-quoted string at a newline, so an unclosed one stops there. */
  private closingQuote(): number {
    for (let at = this.pos + 1; at < this.text.length; at++) {
      const char = this.text[at];
      if (char === '\\') at++;
      else if (char === '"') return at;
      else if (char === '\n') return -1;
    }

    return -1;
  }

  private accept(char: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] !== char) return false;

    this.pos++;
    return true;
  }

  private expect(char: string): void {
    if (!this.accept(char)) throw this.fail(`'${char}'`);
  }

  private skipSpace(): void {
    while (space.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private fail(expected: string): GatehouseError {
    const preview =
      this.text.length > PREVIEW_CHARS ? `${this.text.slice(0, PREVIEW_CHARS)}...` : this.text;
    return malformedBody(
      `${this.where} labels ${JSON.stringify(preview)}: expected ${expected} at offset ${this.pos}`,
    );
  }
}
