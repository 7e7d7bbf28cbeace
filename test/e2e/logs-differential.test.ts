import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeLoki,
  fakeSelector,
  streamSelectorsIn,
  tokenize,
  type FakeMatcher,
  type FakeStream,
  type LokiRequest,
  type Token,
} from '../support/fake-loki.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * Differential test of LogQL enforcement: every query shape runs through Gatehouse under a one-
 * and a two-selector label policy. What reached the (fake) Loki must carry the policy in every
 * stream selector and leave each pipeline as written; a log query's merged answer must equal the
 * fake's answer computed over only the streams the policy allows.
 */
type Outcome = 'same' | 'reshaped' | 'refused';

interface Shape {
  query: string;
  /** How the rewrite looks: `same` (only selectors changed), `reshaped` (union built), refused. */
  one?: Outcome;
  two?: Outcome;
}

const shapes: Record<string, Shape> = {
  // Stream selectors alone.
  'an equality selector': { query: '{app="shop"}' },
  'a regex selector': { query: '{app=~"shop|pay"}' },
  'a negative selector': { query: '{app!="auth", env=~".+"}' },
  'a negative regex selector': { query: '{app!~"au.*", env="prod"}' },
  'the policed label, same value': { query: '{namespace="team-a"}' },
  'the policed label, another value': { query: '{namespace="team-b"}' },
  'a regex on the policed label': { query: '{namespace=~"team-a.*"}' },
  'a negative matcher on the policed label': { query: '{namespace!="team-a", app="shop"}' },
  'a negative regex on the policed label': { query: '{namespace!~"team-a.*", app=~".+"}' },
  'an empty-matching matcher on the policed label': { query: '{app="shop", namespace=""}' },
  'a regex alternation over the policed label': { query: '{namespace=~"team-a|team-b"}' },
  // Line filters.
  'a line filter': { query: '{app="shop"} |= "cart"' },
  'a negative line filter': { query: '{app=~".+"} != "debug"' },
  'a case-insensitive regex line filter': { query: '{app=~".+"} |~ "(?i)error"' },
  'a negative regex line filter': { query: '{app=~".+"} !~ "GET .*"' },
  'chained line filters': { query: '{app=~".+"} |= "a" |= "e" != "warn"' },
  'an escaped quote in a line filter': { query: '{app="quote"} |= "say \\"hi\\""' },
  'a backquoted raw string': { query: '{app="quote"} |= `C:\\tmp`' },
  'a non-ASCII line filter': { query: '{app="quote"} |= "ünï"' },
  // Parsers and what follows them.
  json: { query: '{app="shop"} | json' },
  'json with a label filter': { query: '{app="shop"} | json | level="error"' },
  'json with a regex label filter': {
    query: '{app="shop"} | json | level=~"err.*" or level="warn"',
  },
  'json with parameters': { query: '{app="shop"} | json lvl="level", who="user"' },
  'logfmt with a numeric filter': { query: '{app="pay"} | logfmt | code >= 500' },
  'logfmt with a duration filter': { query: '{app=~".+"} | logfmt | duration > 1s' },
  regexp: { query: '{app="auth"} | regexp "(?P<method>\\\\w+) (?P<path>\\\\S+)"' },
  pattern: { query: '{app="auth"} | pattern "<method> <path> <status> <_>"' },
  line_format: { query: '{app="shop"} | json | line_format "{{.msg}} by {{.user}}"' },
  label_format: { query: '{app="shop"} | json | label_format lvl=level' },
  'label_format writing the policed label': {
    query: '{app="shop"} | label_format namespace="x"',
  },
  unpack: { query: '{app="shop"} | unpack' },
  drop: { query: '{app=~".+"} | json | drop level' },
  keep: { query: '{app=~".+"} | json | keep level, app' },
  'a label filter on __error__': { query: '{app="shop"} | json | __error__=""' },
  'a line filter after a parser': { query: '{app=~".+"} | logfmt |= "payment"' },
  'an or line filter': { query: '{app=~".+"} |= "GET" or "POST"' },
  'a pattern line filter': { query: '{app=~".+"} |> "<_> /login <_>"' },
  decolorize: { query: '{app="shop"} | decolorize' },
  'logfmt --strict': { query: '{app="pay"} | logfmt --strict' },
  'an ip line filter': { query: '{app=~".+"} |= ip("10.0.0.0/8")' },
  'a comment': { query: '{app="shop"} |= "cart" # the cart' },
  // Metric queries.
  count_over_time: { query: 'count_over_time({app="shop"}[5m])' },
  'sum by the policed label': {
    query: 'sum by (namespace) (count_over_time({app=~".+"}[5m]))',
  },
  'sum without': { query: 'sum without (env) (rate({app=~".+"} |= "error" [5m]))' },
  'sum by a parsed label': { query: 'sum by (level) (count_over_time({app="shop"} | json [5m]))' },
  bytes_over_time: { query: 'sum(bytes_over_time({app=~".+"}[1m]))' },
  // Not computable from per-selector parts: logfmt may extract a policy label (fails closed).
  'avg_over_time of an unwrapped label': {
    query: 'avg_over_time({app="pay"} | logfmt | unwrap code [5m])',
    two: 'refused',
  },
  'max_over_time by': { query: 'max_over_time({app="pay"} | logfmt | unwrap code [5m]) by (app)' },
  // Not computable from per-selector parts: `by (app)` drops policy labels (fails closed).
  quantile_over_time: {
    query:
      'quantile_over_time(0.99, {app="pay"} | logfmt | unwrap duration(duration) [5m]) by (app)',
    two: 'refused',
  },
  topk: { query: 'topk(2, sum by (app) (rate({app=~".+"}[5m])))' },
  'a binary operation of two queries': {
    query: 'sum(rate({app="shop"}[5m])) / sum(rate({app=~".+"}[5m]))',
  },
  'a comparison with a scalar': { query: 'sum(count_over_time({app="shop"}[5m])) > 2' },
  'arithmetic with a scalar': { query: 'count_over_time({app="shop"}[5m]) * 2' },
  // The policy's matchers must not become labels of the absent sample: wrapped to keep {app}.
  'absent_over_time of nothing': {
    query: 'absent_over_time({app="nothing"}[5m])',
    one: 'reshaped',
  },
  'absent_over_time with the policed label': {
    query: 'absent_over_time({namespace="team-a", app="shop"}[1h])',
  },
  offset: {
    query: 'sum by (namespace) (count_over_time({namespace=~"team-.*"} |= "error" [5m] offset 1h))',
  },
  'rate after json': { query: 'rate({app="shop"} | json | __error__="" [5m])' },
  label_replace: {
    query:
      'label_replace(sum by (app) (count_over_time({app=~".+"}[5m])), "svc", "$1", "app", "(.*)")',
  },
  'label_format on the policed label in a metric': {
    query: 'sum by (app) (count_over_time({app=~".+"} | label_format namespace="x" [5m]))',
  },
  'drop of the policed label in a metric': {
    query: 'sum by (app) (count_over_time({app=~".+"} | drop namespace [5m]))',
  },
  'no stream selector at all': { query: 'vector(1) + vector(1)' },
  'unwrap bytes': { query: 'sum_over_time({app="pay"} | logfmt | unwrap bytes(code) [5m])' },
  'a bool comparison': { query: 'sum(count_over_time({app="shop"}[5m])) > bool 2' },
  'on() matching': {
    query:
      'sum by (app) (count_over_time({app="shop"}[5m])) / on (app) sum by (app) (count_over_time({app=~".+"}[5m]))',
  },
  'first_over_time by': {
    query: 'first_over_time({app="pay"} | logfmt | unwrap code [5m]) by (app)',
    two: 'refused',
  },
  'or vector(0)': { query: 'sum(count_over_time({app="nothing"}[5m])) or vector(0)' },
};

const ONE = ['{namespace="team-a"}'];
/** Overlapping: {namespace="team-a", app="shop", env="prod"} matches both. */
const TWO = ['{namespace="team-a"}', '{app="shop", env="prod"}'];

const loki = new FakeLoki();
let gatehouse: TestGatehouse;
let instance: number;
let tenant: string;
const tokens: Record<'one' | 'two', string> = { one: '', two: '' };

const T0 = 1_700_000_000_000_000_000n;
const START = String(T0);
const END = String(T0 + 3_600_000_000_000n);

beforeAll(async () => {
  const url = await loki.start();
  gatehouse = await startTestGatehouse({
    regions: [{ slug: 'local', logs: { url, tenancy: 'header' } }],
  });
  const stack = await gatehouse.api.createStack('diff');
  instance = (await gatehouse.api.instance('diff')).hlInstanceId;
  tenant = String(instance);
  const grant = (name: string, selectors: string[]) =>
    gatehouse.api.grant({ name, scopes: ['logs:read'], stackId: stack.id, selectors });
  tokens.one = (await grant('diff-one', ONE)).token;
  tokens.two = (await grant('diff-two', TWO)).token;

  loki.add(tenant, dataset());
});

afterAll(async () => {
  await gatehouse?.stop();
  await loki.stop();
});

const policies: ['one' | 'two', string[]][] = [
  ['one', ONE],
  ['two', TWO],
];

const rows = Object.entries(shapes).flatMap(([name, shape]) =>
  policies.map(([size, policy]) => ({ name, shape, size, policy })),
);

describe('LogQL shapes under a label policy', () => {
  it('has at least 40 named shapes', () => {
    expect(Object.keys(shapes).length).toBeGreaterThanOrEqual(40);
  });

  it.each(rows)('$name under the $size-selector policy', async ({ shape, size, policy }) => {
    const outcome = shape[size] ?? defaultOutcome(shape.query, size);
    const isLog = shape.query.trimStart().startsWith('{');
    const variants = isLog
      ? [
          { direction: 'backward', limit: '7' },
          { direction: 'forward', limit: '1000' },
        ]
      : [{ step: '60' }];

    for (const variant of variants) {
      const params = { query: shape.query, start: START, end: END, ...variant };
      const mark = loki.requests.length;
      const response = await query(tokens[size], params);
      const text = await response.text();
      const reached = loki.since(mark);

      if (outcome === 'refused') {
        expect(response.status, text).toBe(400);
        expect(text).toMatch(/query cannot be enforced/);
        expect(reached).toEqual([]);
        continue;
      }

      expect(response.status, text).toBe(200);
      expect(reached.length).toBe(isLog && size === 'two' ? policy.length : 1);
      for (const request of reached) checkRewrite(shape.query, request, policy, outcome);
      if (isLog) {
        const expected = loki.evaluate({
          path: '/loki/api/v1/query_range',
          params: new URLSearchParams(params),
          tenant,
          only: policy.map(fakeSelector),
        });
        expect(JSON.parse(text).data.result).toEqual(JSON.parse(expected.body).data.result);
      }
    }
  });
});

function defaultOutcome(query: string, size: 'one' | 'two'): Outcome {
  const isLog = query.trimStart().startsWith('{');
  return isLog || size === 'one' ? 'same' : 'reshaped';
}

function query(token: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${gatehouse.url}/loki/api/v1/query_range`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(instance, token),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(params).toString(),
  });
}

/* ------------------------------------------------------------------------------------------ */

/**
 * What reached Loki, against the user's query: every stream selector holds all matchers of a
 * policy selector and all the user's matchers of the selector it stands for, and is followed by
 * that selector's pipeline unchanged. `same`: apart from the selectors, the query reads exactly
 * as written (tokens compared, strings by their value).
 */
function checkRewrite(
  original: string,
  request: LokiRequest,
  policy: string[],
  outcome: Outcome,
): void {
  const rewritten = request.params.getAll('query');
  expect(rewritten).toHaveLength(1);
  const text = rewritten[0] as string;
  const users = selectorsWithPipelines(original);
  const sent = selectorsWithPipelines(text);
  const policySelectors = policy.map(fakeSelector);

  if (users.length === 0) {
    expect(collapsed(text)).toEqual(collapsed(original));
    return;
  }

  expect(sent.length, text).toBeGreaterThan(0);
  for (const piece of sent) {
    expect(
      policySelectors.some((p) => contains(piece.matchers, p)),
      `${text}: policy`,
    ).toBe(true);
    const own = users.filter(
      (user) => contains(piece.matchers, user.matchers) && samePipeline(user, piece),
    );
    expect(own.length, `${text}: user matchers and pipeline`).toBeGreaterThan(0);
  }
  for (const user of users) {
    expect(
      sent.some((piece) => samePipeline(user, piece)),
      `${text}: pipeline kept`,
    ).toBe(true);
  }
  if (outcome === 'same') expect(collapsed(text), text).toEqual(collapsed(original));
}

interface SelectorUse {
  matchers: FakeMatcher[];
  pipeline: string[];
}

/** Each stream selector and the pipeline tokens after it, up to its range or enclosing `)`. */
function selectorsWithPipelines(text: string): SelectorUse[] {
  const tokens = tokenize(text);
  return streamSelectorsIn(text).map(({ matchers, to }) => {
    const after = tokens.filter((token) => token.from >= to);
    return { matchers, pipeline: pipelineOf(after) };
  });
}

function pipelineOf(tokens: Token[]): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'op' && token.value === '(') depth++;
    if (token.kind === 'op' && token.value === ')' && --depth < 0) break;
    if (depth === 0 && token.kind === 'op' && token.value === '[') break;
    out.push(key(token));
  }
  return out;
}

/** The query's tokens with each selector's matchers left out. */
function collapsed(text: string): string[] {
  const selectors = streamSelectorsIn(text);
  return tokenize(text)
    .filter((token) => !selectors.some((s) => token.from > s.from && token.to < s.to))
    .map(key);
}

function key(token: Token): string {
  return `${token.kind}:${token.value}`;
}

function samePipeline(a: SelectorUse, b: SelectorUse): boolean {
  return JSON.stringify(a.pipeline) === JSON.stringify(b.pipeline);
}

function contains(matchers: FakeMatcher[], needed: FakeMatcher[]): boolean {
  return needed.every((n) =>
    matchers.some((m) => m.name === n.name && m.op === n.op && m.value === n.value),
  );
}

/* ------------------------------------------------------------------------------------------ */

/** Ten streams of JSON, logfmt and plain lines, entries at distinct instants. */
function dataset(): FakeStream[] {
  const json = (i: number) =>
    JSON.stringify({
      level: ['info', 'error', 'warn', 'debug'][i % 4],
      msg: i % 2 ? 'cart opened' : 'cart closed',
      user: `u${i}`,
      latency_ms: 10 + i,
    });
  const logfmt = (i: number) =>
    `level=${i % 3 ? 'info' : 'error'} msg="payment ${i % 2 ? 'failed' : 'done'}" ` +
    `code=${i % 3 ? 200 : 500} duration=${(i % 4) * 0.7}s`;
  const plain = (i: number) => `${i % 2 ? 'GET' : 'POST'} /login ${i % 3 ? 200 : 401} ${i}ms`;
  const quote = (i: number) =>
    [`say "hi" to C:\\tmp`, 'naïve ünïcode ✓', 'tab\there', `line ${i} with a \\ backslash`][
      i % 4
    ] as string;

  const streams: [Record<string, string>, (i: number) => string][] = [
    [{ namespace: 'team-a', app: 'shop', env: 'prod' }, json],
    [{ namespace: 'team-a', app: 'pay', env: 'dev' }, logfmt],
    [{ namespace: 'team-b', app: 'shop', env: 'prod' }, json],
    [{ namespace: 'team-b', app: 'auth', env: 'dev', team: 'x' }, plain],
    [{ namespace: 'team-c', app: 'shop', env: 'dev' }, json],
    [{ app: 'shop', env: 'prod' }, json],
    [{ namespace: 'team-a-long', app: 'shop', env: 'prod' }, json],
    [{ namespace: 'team-a', app: 'auth', env: 'prod' }, plain],
    [{ namespace: 'team-a', app: 'quote', env: 'prod' }, quote],
    [{ namespace: 'team-b', app: 'pay', env: 'prod' }, logfmt],
  ];

  return streams.map(([labels, line], s) => ({
    labels,
    entries: Array.from({ length: 8 }, (_, i) => ({
      ts: T0 + BigInt(i * 20 + s) * 1_000_000_000n,
      line: line(i),
    })),
  }));
}
