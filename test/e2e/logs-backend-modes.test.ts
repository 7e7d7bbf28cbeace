import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLoki, type LokiRequest } from '../support/fake-loki.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * Loki backends other than tenancy `header` with query rewriting, checked on fake Lokis
 * (node:http): tenancy `label` (the tenant label forced into every read, the ruler API refused),
 * lbac `header` (queries untouched, X-Prom-Label-Policy per selector), and the delete and ruler
 * APIs with their own scopes.
 */
const loki = new FakeLoki();
const sharedLoki = new FakeLoki();
const headerLoki = new FakeLoki();
let gatehouse: TestGatehouse;

const ONE = ['{namespace="team-a"}'];
const TWO = ['{namespace="team-a"}', '{app="shop", env="prod"}'];

interface Stack {
  id: number;
  logs: number;
  tenant: string;
}
let readStack: Stack;
let sharedStack: Stack;
let headerStack: Stack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const [url, sharedUrl, headerUrl] = await Promise.all([
    loki.start(),
    sharedLoki.start(),
    headerLoki.start(),
  ]);
  gatehouse = await startTestGatehouse({
    regions: [
      { slug: 'local', logs: { url, tenancy: 'header' } },
      { slug: 'shared', logs: { url: sharedUrl, tenancy: 'label', tenantLabel: 'tenant' } },
      { slug: 'lbac', logs: { url: headerUrl, tenancy: 'header', lbac: 'header' } },
    ],
  });

  readStack = await stack('logd', 'local');
  sharedStack = await stack('logshared', 'shared');
  headerStack = await stack('loghdr', 'lbac');

  await grant('deleter0', ['logs:delete'], readStack);
  await grant('deleter2', ['logs:delete'], readStack, TWO);
  await grant('rules', ['rules:read', 'rules:write'], readStack);
  await grant('rulesRead', ['rules:read'], readStack);
  await grant('rulesRestricted', ['rules:read', 'rules:write'], readStack, ONE);
  const sharedScopes = ['logs:read', 'logs:write', 'rules:read', 'rules:write'];
  await grant('sharedRw', sharedScopes, sharedStack, [], 'shared');
  await grant('sharedReader1', ['logs:read'], sharedStack, ONE, 'shared');
  await grant('headerReader2', ['logs:read'], headerStack, TWO, 'lbac');
  await grant('headerReader0', ['logs:read'], headerStack, [], 'lbac');
});

afterAll(async () => {
  await gatehouse?.stop();
  await Promise.all([loki.stop(), sharedLoki.stop(), headerLoki.stop()]);
});

async function stack(slug: string, region: string): Promise<Stack> {
  const created = await gatehouse.api.createStack(slug, region);
  const logs = (await gatehouse.api.instance(slug)).hlInstanceId;
  return { id: created.id, logs, tenant: String(logs) };
}

async function grant(
  name: string,
  scopes: string[],
  target: Stack,
  selectors: string[] = [],
  region = 'local',
): Promise<void> {
  const labelPolicies = selectors.map((selector) => ({ selector }));
  const slug = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const realms = [{ type: 'stack', identifier: String(target.id), labelPolicies }];
  const policy = await gatehouse.api.createPolicy({ name: slug, scopes, realms }, region);
  tokens[name] = (await gatehouse.api.createToken(policy.id, `${slug}-t`, {}, region)).token;
}

function auth(target: Stack, token: string): string {
  return basicAuth(target.logs, tokens[token] as string);
}

const T0 = 1_700_000_000_000_000_000n;
const ms = (n: number) => T0 + BigInt(n) * 1_000_000n;
const START = String(T0);
const END = String(ms(100_000));

function get(path: string, authorization: string, headers: Record<string, string> = {}) {
  return fetch(gatehouse.url + path, { headers: { authorization, ...headers } });
}

function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function sent(mark: number, fake = loki): LokiRequest[] {
  return fake.since(mark);
}

/* ------------------------------------------------------------------------------------------ */

describe('tenancy label', () => {
  beforeAll(() => {
    sharedLoki.add('fake', [
      {
        labels: { app: 'shop', tenant: sharedStack.tenant, namespace: 'team-a' },
        entries: [{ ts: ms(1), line: 'mine' }],
      },
      {
        labels: { app: 'shop', tenant: '424242', namespace: 'team-a' },
        entries: [{ ts: ms(2), line: 'theirs' }],
      },
    ]);
  });

  it('confines every read to the tenant label', async () => {
    const reads: [string, string][] = [
      ['/loki/api/v1/query_range', form({ query: '{app="shop"}', start: START, end: END })],
      ['/loki/api/v1/query', form({ query: 'sum(count_over_time({app="shop"}[5m]))' })],
      ['/loki/api/v1/labels', form({ start: START, end: END })],
      ['/loki/api/v1/label/app/values', form({ start: START, end: END })],
      ['/loki/api/v1/series', form({ 'match[]': '{app="shop"}' })],
      ['/loki/api/v1/index/volume', form({ query: '{app="shop"}', start: START, end: END })],
    ];
    for (const [path, query] of reads) {
      const mark = sharedLoki.requests.length;
      const response = await get(
        `${path}?${query}`,
        basicAuth(sharedStack.logs, tokens.sharedRw as string),
      );
      const text = await response.text();

      expect(response.status, `${path} ${text}`).toBe(200);
      expect(text).not.toContain('theirs');
      for (const request of sent(mark, sharedLoki)) {
        expect(request.headers['x-scope-orgid']).toBeUndefined();
        const selectors = [...request.params.getAll('query'), ...request.params.getAll('match[]')];
        expect(selectors.length, path).toBeGreaterThan(0);
        for (const selector of selectors)
          expect(selector).toContain(`tenant="${sharedStack.tenant}"`);
      }
    }
  });

  it('refuses the ruler API, whose rules every stack sharing the tenant would see', async () => {
    sharedLoki.rules.set('other-stack', ['name: theirs\nrules: []\n']);
    const mark = sharedLoki.requests.length;
    const authorization = basicAuth(sharedStack.logs, tokens.sharedRw as string);
    const listed = await get('/loki/api/v1/rules', authorization);
    const written = await fetch(`${gatehouse.url}/loki/api/v1/rules/other-stack`, {
      method: 'DELETE',
      headers: { authorization },
    });

    expect(listed.status).toBe(501);
    expect(await listed.text()).toMatch(/tenancy label/);
    expect(written.status).toBe(501);
    expect(sent(mark, sharedLoki)).toEqual([]);
    expect(sharedLoki.rules.has('other-stack')).toBe(true);
  });

  it('ANDs the tenant label with a label policy', async () => {
    const mark = sharedLoki.requests.length;
    await get(
      `/loki/api/v1/query_range?${form({ query: '{app="shop"}', start: START, end: END })}`,
      basicAuth(sharedStack.logs, tokens.sharedReader1 as string),
    );
    expect(sent(mark, sharedLoki)[0]?.params.get('query')).toBe(
      `{app="shop", namespace="team-a", tenant="${sharedStack.tenant}"}`,
    );
  });
});

describe('lbac header for logs', () => {
  it('leaves the query untouched and sends one X-Prom-Label-Policy per selector', async () => {
    const query = '{app="shop"} |= "x"';
    const mark = headerLoki.requests.length;
    await get(
      `/loki/api/v1/query_range?${form({ query, start: START, end: END })}`,
      basicAuth(headerStack.logs, tokens.headerReader2 as string),
      { 'x-prom-label-policy': `${headerStack.tenant}:%7B%7D` },
    );
    const request = sent(mark, headerLoki);

    expect(request).toHaveLength(1);
    expect(request[0]?.params.getAll('query')).toEqual([query]);
    expect(request[0]?.headers['x-scope-orgid']).toBe(headerStack.tenant);
    expect(request[0]?.headersDistinct['x-prom-label-policy']).toEqual([
      `${headerStack.tenant}:%7Bnamespace=%22team-a%22%7D`,
      `${headerStack.tenant}:%7Bapp=%22shop%22%2C%20env=%22prod%22%7D`,
    ]);
  });

  it('leaves label endpoints untouched and drops a client header for an unrestricted token', async () => {
    const mark = headerLoki.requests.length;
    await get(
      `/loki/api/v1/series?${form({ 'match[]': '{app="shop"}' })}`,
      basicAuth(headerStack.logs, tokens.headerReader2 as string),
    );
    await get(`/loki/api/v1/labels`, basicAuth(headerStack.logs, tokens.headerReader0 as string), {
      'x-prom-label-policy': `${headerStack.tenant}:%7Bnamespace=%22team-a%22%7D`,
    });
    const [series, labels] = sent(mark, headerLoki);

    expect(series?.params.getAll('match[]')).toEqual(['{app="shop"}']);
    expect(series?.headersDistinct['x-prom-label-policy']).toHaveLength(2);
    expect(labels?.headers['x-prom-label-policy']).toBeUndefined();
  });
});

describe('delete and rules', () => {
  it('forwards an unrestricted delete with its parameters in the URL, where Loki reads them', async () => {
    const mark = loki.requests.length;
    const params = form({ query: '{app="shop"}', start: '1700000000', end: '1700000100' });
    const response = await fetch(`${gatehouse.url}/loki/api/v1/delete?${params}`, {
      method: 'POST',
      headers: { authorization: auth(readStack, 'deleter0') },
    });

    expect(response.status, await response.text()).toBe(204);
    expect(sent(mark)[0]?.url.searchParams.get('query')).toBe('{app="shop"}');
    expect(loki.deletes.at(-1)?.query).toBe('{app="shop"}');
  });

  it('confines a restricted delete to each selector, one delete request per selector', async () => {
    const before = loki.deletes.length;
    const params = form({ query: '{app="shop"} |= "x"', start: '1700000000', end: '1700000100' });
    const response = await fetch(`${gatehouse.url}/loki/api/v1/delete?${params}`, {
      method: 'POST',
      headers: { authorization: auth(readStack, 'deleter2') },
    });

    expect(response.status, await response.text()).toBe(204);
    expect(loki.deletes.slice(before).map((d) => d.query)).toEqual([
      '{app="shop", namespace="team-a"} |= "x"',
      '{app="shop", env="prod"} |= "x"',
    ]);
  });

  it('keeps listing and cancelling deletes from restricted callers and lets others cancel', async () => {
    const listed = await get('/loki/api/v1/delete', auth(readStack, 'deleter2'));
    expect(listed.status).toBe(403);

    const all = await get('/loki/api/v1/delete', auth(readStack, 'deleter0'));
    const list = (await all.json()) as { request_id: string }[];
    expect(list.length).toBeGreaterThan(0);

    const cancel = await fetch(
      `${gatehouse.url}/loki/api/v1/delete?request_id=${list[0]?.request_id}`,
      { method: 'DELETE', headers: { authorization: auth(readStack, 'deleter0') } },
    );
    expect(cancel.status, await cancel.text()).toBe(204);
  });

  it('relays the ruler API with rules:read / rules:write and the tenant', async () => {
    const yaml = 'name: g1\nrules:\n  - alert: A\n    expr: sum(rate({app="shop"}[5m])) > 1\n';
    const created = await fetch(`${gatehouse.url}/loki/api/v1/rules/ns1`, {
      method: 'POST',
      headers: { authorization: auth(readStack, 'rules'), 'content-type': 'application/yaml' },
      body: yaml,
    });
    const listed = await get('/loki/api/v1/rules', auth(readStack, 'rulesRead'));
    const refused = await fetch(`${gatehouse.url}/loki/api/v1/rules/ns1`, {
      method: 'DELETE',
      headers: { authorization: auth(readStack, 'rulesRead') },
    });
    const deleted = await fetch(`${gatehouse.url}/loki/api/v1/rules/ns1`, {
      method: 'DELETE',
      headers: { authorization: auth(readStack, 'rules') },
    });

    expect(created.status).toBe(202);
    expect(await listed.text()).toContain('alert: A');
    expect(refused.status).toBe(403);
    expect(deleted.status).toBe(202);
    expect(loki.rules.has('ns1')).toBe(false);
    expect(loki.last().headers['x-scope-orgid']).toBe(readStack.tenant);
  });

  it('refuses the ruler API to a label-restricted token: a rule reads any stream', async () => {
    const before = loki.requests.length;
    const listed = await get('/loki/api/v1/rules', auth(readStack, 'rulesRestricted'));

    expect(listed.status).toBe(403);
    expect(await listed.text()).toMatch(/label policy/);
    expect(loki.requests.length).toBe(before);
  });

  it('refuses a rule namespace that is a dot segment', async () => {
    const answer = await get('/loki/api/v1/rules/..', auth(readStack, 'rules'));

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
  });
});
