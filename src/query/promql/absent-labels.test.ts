import { describe, expect, it } from 'vitest';

import { absentLabels } from './absent-labels.js';
import { parseSelector } from './parse-selector.js';

describe('absentLabels (Prometheus 2.42 createLabelsForAbsentFunction)', () => {
  it.each([
    { selector: 'x{a="b", c="d"}', want: { a: 'b', c: 'd' } },
    { selector: 'x{a="b", a="b"}', want: {} },
    { selector: 'x{a="b", a="c"}', want: {} },
    { selector: 'x{a=~"c", a="b"}', want: { a: 'b' } },
    { selector: 'x{a="b", a=~"c"}', want: {} },
    { selector: 'x{a="", b!="c"}', want: {} },
    { selector: '{__name__="x", job="j"}', want: { job: 'j' } },
  ])('$selector gives $want', ({ selector, want }) => {
    expect(Object.fromEntries(absentLabels(parseSelector(selector)))).toEqual(want);
  });
});
