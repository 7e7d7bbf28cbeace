import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { formatStreamLabels } from './format-stream-labels.js';
import { parseStreamLabels } from './parse-stream-labels.js';

const accepted: { name: string; text: string; labels: Record<string, string> }[] = [
  { name: 'one label', text: '{app="shop"}', labels: { app: 'shop' } },
  {
    name: 'labels as Loki prints them, sorted on the way out',
    text: '{zone="b", app="shop"}',
    labels: { app: 'shop', zone: 'b' },
  },
  {
    name: 'no spaces, as winston-loki writes them',
    text: '{level="info",job="api"}',
    labels: { job: 'api', level: 'info' },
  },
  {
    name: 'whitespace and newlines between tokens',
    text: ' {\n app = "shop" ,\tenv="prod" } ',
    labels: { app: 'shop', env: 'prod' },
  },
  { name: 'Go escapes', text: '{msg="a\\"b\\\\c\\n\\u00e9"}', labels: { msg: 'a"b\\c\né' } },
  { name: 'raw back-quoted string', text: '{path=`C:\\tmp`}', labels: { path: 'C:\\tmp' } },
  { name: 'empty value', text: '{app="", env="x"}', labels: { app: '', env: 'x' } },
  {
    name: 'underscore names',
    text: '{__name__="x", _a1="y"}',
    labels: { __name__: 'x', _a1: 'y' },
  },
  { name: 'non-ASCII value', text: '{city="Zürich 東京"}', labels: { city: 'Zürich 東京' } },
];

const refused: { name: string; text: string; reason: string }[] = [
  { name: 'empty text', text: '', reason: "expected '{' at offset 0" },
  { name: 'no labels', text: '{}', reason: 'has no labels' },
  { name: 'metric name before the braces', text: 'up{a="b"}', reason: "expected '{'" },
  { name: 'regex matcher', text: '{a=~"b"}', reason: 'expected a double-quoted label value' },
  { name: 'negative matcher', text: '{a!="b"}', reason: "expected '='" },
  { name: 'single-quoted value', text: "{a='b'}", reason: 'expected a double-quoted label value' },
  { name: 'bare value', text: '{a=b}', reason: 'expected a double-quoted label value' },
  { name: 'unterminated value', text: '{a="b}', reason: 'expected a closing "' },
  { name: 'newline inside a quoted value', text: '{a="b\nc"}', reason: 'expected a closing "' },
  { name: 'bad escape', text: '{a="\\q"}', reason: 'expected a valid string' },
  { name: 'trailing comma', text: '{a="b",}', reason: 'expected a label name' },
  { name: 'missing comma', text: '{a="b" c="d"}', reason: "expected '}'" },
  { name: 'text after the braces', text: '{a="b"} x', reason: 'expected the end of the text' },
  { name: 'name starting with a digit', text: '{1a="b"}', reason: 'expected a label name' },
  { name: 'quoted UTF-8 label name', text: '{"a.b"="c"}', reason: 'expected a label name' },
  { name: 'repeated name', text: '{a="1", b="2", a="3"}', reason: 'repeats label a' },
  { name: 'unclosed selector', text: '{a="b"', reason: "expected '}'" },
];

describe('parseStreamLabels', () => {
  it.each(accepted)('accepts $name', ({ text, labels }) => {
    const parsed = parseStreamLabels(text, 'stream 0');

    expect(Object.fromEntries(parsed.map((label) => [label.name, label.value]))).toEqual(labels);
    expect(parsed.map((label) => label.name)).toEqual(Object.keys(labels).sort());
  });

  it.each(refused)('refuses $name as a malformed body', ({ text, reason }) => {
    const error = catchError(() => parseStreamLabels(text, 'stream 3'));

    expect(error.code).toBe('BODY_MALFORMED');
    expect(error.message).toContain('stream 3');
    expect(error.message).toContain(reason);
  });

  it('reads back what formatStreamLabels prints, escapes included', () => {
    const labels = [
      { name: 'a', value: 'quote " backslash \\ newline \n tab \t bell \u0007' },
      { name: 'b', value: 'plain' },
    ];

    expect(parseStreamLabels(formatStreamLabels(labels), 'stream 0')).toEqual(labels);
  });

  it('keeps an overlong label text out of the error message', () => {
    const error = catchError(() => parseStreamLabels(`{a=${'x'.repeat(10_000)}}`, 'stream 0'));

    expect(error.message.length).toBeLessThan(300);
  });
});

function catchError(run: () => unknown): GatehouseError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error('expected a GatehouseError');
}
