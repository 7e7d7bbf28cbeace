import { describe, expect, it } from 'vitest';

import { lokiAbsentLabels } from './loki-absent-labels.js';
import { parseLogSelector } from './parse-log-selector.js';

describe('lokiAbsentLabels', () => {
  it.each([
    { name: 'sets the = matchers', selector: '{app="a", env="b"}', want: { app: 'a', env: 'b' } },
    { name: 'ignores other operators', selector: '{app="a", env=~"b"}', want: { app: 'a' } },
    { name: 'removes a label repeated with =', selector: '{app="a", app="a"}', want: {} },
    { name: 'removes a label also matched earlier', selector: '{app=~"x", app="a"}', want: {} },
    { name: 'sets nothing for an empty value', selector: '{app="", env="b"}', want: { env: 'b' } },
    {
      name: 'lets a later = follow an empty one',
      selector: '{app="", app="a"}',
      want: { app: 'a' },
    },
  ])('$name', ({ selector, want }) => {
    expect(Object.fromEntries(lokiAbsentLabels(parseLogSelector(selector)))).toEqual(want);
  });
});
