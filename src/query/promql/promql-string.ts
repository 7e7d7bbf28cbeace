/**
 * PromQL string literals. Prometheus decodes them with Go's quoting rules
 * (util/strutil/quote.go: strconv.Unquote extended to single quotes); raw strings in backticks
 * take no escapes. Gatehouse always prints double-quoted strings.
 */

// prettier-ignore
const simpleEscapes: Readonly<Record<string, number>> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c,
};

/** Decodes a quoted PromQL string; returns an error reason instead of throwing. */
export function unquotePromqlString(quoted: string): { value: string } | { error: string } {
  const quote = quoted[0];
  if (quoted.length < 2 || quoted[quoted.length - 1] !== quote) {
    return { error: `unterminated string ${quoted}` };
  }

  const body = quoted.slice(1, -1);
  if (quote === '`') {
    return { value: body };
  }

  const bytes = decodeEscapes(body, quote === "'" ? "'" : '"');
  if ('error' in bytes) {
    return bytes;
  }
  return decodeUtf8(bytes.bytes);
}

function decodeEscapes(body: string, quote: string): { bytes: number[] } | { error: string } {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? '';
    if (char === quote) {
      return { error: `unescaped ${quote} inside a string` };
    }
    if (char !== '\\') {
      const codePoint = body.codePointAt(i) ?? 0;
      const text = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(text));
      i += text.length - 1;
      continue;
    }

    const escape = readEscape(body, i + 1, quote);
    if ('error' in escape) {
      return escape;
    }
    bytes.push(...escape.bytes);
    i = escape.end - 1;
  }
  return { bytes };
}

/** Reads the escape sequence after a backslash at `start`, as Go's strconv.UnquoteChar does. */
function readEscape(
  body: string,
  start: number,
  quote: string,
): { bytes: number[]; end: number } | { error: string } {
  const letter = body[start] ?? '';
  const simple = simpleEscapes[letter];
  if (simple !== undefined) {
    return { bytes: [simple], end: start + 1 };
  }
  if (letter === quote) {
    return { bytes: [letter.charCodeAt(0)], end: start + 1 };
  }

  switch (letter) {
    case 'x':
      return readHexByte(body, start + 1);
    case 'u':
      return readCodePoint(body, start + 1, 4);
    case 'U':
      return readCodePoint(body, start + 1, 8);
    default:
      return readOctalByte(body, start);
  }
}

function readHexByte(
  body: string,
  start: number,
): { bytes: number[]; end: number } | { error: string } {
  const digits = body.slice(start, start + 2);
  if (!/^[0-9a-fA-F]{2}$/.test(digits)) {
    return { error: 'invalid \\x escape in string' };
  }
  return { bytes: [parseInt(digits, 16)], end: start + 2 };
}

function readOctalByte(
  body: string,
  start: number,
): { bytes: number[]; end: number } | { error: string } {
  const digits = body.slice(start, start + 3);
  if (!/^[0-7]{3}$/.test(digits) || parseInt(digits, 8) > 255) {
    return { error: `unknown escape sequence \\${body[start] ?? ''} in string` };
  }
  return { bytes: [parseInt(digits, 8)], end: start + 3 };
}

function readCodePoint(
  body: string,
  start: number,
  length: number,
): { bytes: number[]; end: number } | { error: string } {
  const digits = body.slice(start, start + length);
  const codePoint = parseInt(digits, 16);
  const isHex = new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits);
  if (!isHex || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
    return { error: 'invalid unicode escape in string' };
  }
  return {
    bytes: [...new TextEncoder().encode(String.fromCodePoint(codePoint))],
    end: start + length,
  };
}

function decodeUtf8(bytes: number[]): { value: string } | { error: string } {
  try {
    return { value: new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes)) };
  } catch {
    // Go strings may hold any bytes; label values Gatehouse forwards must be valid UTF-8.
    return { error: 'string is not valid UTF-8' };
  }
}

/** Prints a value as a double-quoted PromQL string that decodes back to exactly `value`. */
export function quotePromqlString(value: string): string {
  let out = '"';
  for (const char of value) {
    out += escapeChar(char);
  }
  return `${out}"`;
}

function escapeChar(char: string): string {
  switch (char) {
    case '\\':
      return '\\\\';
    case '"':
      return '\\"';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return isControl(char) ? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}` : char;
  }
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}
