import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

const upstream = new FakeUpstream();
let gatehouse: TestGatehouse;
let stackId: number;
let promId: number;

beforeAll(async () => {
  const url = await upstream.start();
  gatehouse = await startTestGatehouse({
    regions: [{ slug: 'local', metrics: { url } }],
    trustedProxies: ['127.0.0.1/32'],
    limits: { usageFlushMs: 200, accessPolicyRequestsPerHour: 0 },
  });
  stackId = (await gatehouse.api.createStack('tok')).id;
  promId = (await gatehouse.api.instance('tok')).hmInstancePromId;
});

afterAll(async () => {
  await gatehouse?.stop();
  await upstream.stop();
});

const later = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('token list filters', () => {
  let orgPolicy: { id: string };
  let stackPolicy: { id: string };

  beforeAll(async () => {
    orgPolicy = await gatehouse.api.createPolicy({
      name: 'filter-org',
      scopes: ['metrics:read'],
      realms: [
        { type: 'org', identifier: String((await gatehouse.api.ok('GET', '/api/orgs/local')).id) },
      ],
    });
    stackPolicy = await gatehouse.api.createPolicy({
      name: 'filter-stack',
      scopes: ['metrics:read'],
      realms: [{ type: 'stack', identifier: String(stackId) }],
    });
    await gatehouse.api.createToken(orgPolicy.id, 'f-soon', { expiresAt: later(1) });
    await gatehouse.api.createToken(orgPolicy.id, 'f-late', { expiresAt: later(30) });
    await gatehouse.api.createToken(stackPolicy.id, 'f-never');
  });

  const names = async (query: string): Promise<string[]> => {
    const list = await gatehouse.api.ok('GET', `/api/v1/tokens?region=local&${query}`);
    return list.items
      .map((t: { name: string }) => t.name)
      .filter((n: string) => n.startsWith('f-'));
  };

  const cases: [string, () => string, string[]][] = [
    ['accessPolicyName', () => 'accessPolicyName=filter-stack', ['f-never']],
    [
      'accessPolicyIds',
      () => `accessPolicyIds=${stackPolicy.id},${orgPolicy.id}`,
      ['f-soon', 'f-late', 'f-never'],
    ],
    ['accessPolicyRealmType', () => 'accessPolicyRealmType=stack', ['f-never']],
    ['accessPolicyRealmIdentifier', () => `accessPolicyRealmIdentifier=${stackId}`, ['f-never']],
    ['accessPolicyStatus', () => 'accessPolicyStatus=inactive', []],
    ['expiresBefore', () => `expiresBefore=${later(7)}`, ['f-soon']],
    ['expiresAfter', () => `expiresAfter=${later(7)}`, ['f-late', 'f-never']],
    ['name', () => 'name=f-late', ['f-late']],
  ];

  it.each(cases)('filters by %s', async (_name, query, expected) => {
    expect(await names(query())).toEqual(expected);
  });

  it('refuses a filter value of the wrong kind naming the parameter', async () => {
    const answer = await gatehouse.api.call(
      'GET',
      '/api/v1/tokens?region=local&expiresBefore=soon',
    );

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/expiresBefore/);
  });
});

describe('token lifecycle', () => {
  it('hides expired tokens from the list unless includeExpired=true', async () => {
    const policy = await gatehouse.api.createPolicy({
      name: 'lifecycle',
      scopes: ['metrics:read'],
      realms: [{ type: 'stack', identifier: String(stackId) }],
    });
    const token = await gatehouse.api.createToken(policy.id, 'short', {
      expiresAt: new Date(Date.now() + 1_500).toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const names = async (extra: string) =>
      (
        await gatehouse.api.ok(
          'GET',
          `/api/v1/tokens?region=local&accessPolicyId=${policy.id}${extra}`,
        )
      ).items.map((t: { id: string }) => t.id);

    expect(await names('')).not.toContain(token.id);
    expect(await names('&includeExpired=true')).toContain(token.id);
  });

  it('deletes the tokens of a deleted policy and refuses them at once', async () => {
    const { token, tokenId, policyId } = await gatehouse.api.grant({
      name: 'doomed',
      scopes: ['metrics:read'],
      stackId,
    });
    await gatehouse.api.ok('DELETE', `/api/v1/accesspolicies/${policyId}?region=local`);
    const answer = await fetch(`${gatehouse.url}/api/prom/api/v1/query?query=up`, {
      headers: { authorization: basicAuth(promId, token) },
    });

    expect(answer.status).toBe(401);
    expect((await gatehouse.api.call('GET', `/api/v1/tokens/${tokenId}?region=local`)).status).toBe(
      404,
    );
  });
});

describe('token updates', () => {
  it('refuses to rename a token, whose name is in its secret', async () => {
    const { tokenId } = await gatehouse.api.grant({
      name: 'fixed-name',
      scopes: ['metrics:read'],
      stackId,
    });
    const answer = await gatehouse.api.call('POST', `/api/v1/tokens/${tokenId}?region=local`, {
      name: 'renamed',
    });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/name/);
  });

  it('expires a token at once when updated with an expiry in the past', async () => {
    const { token, tokenId } = await gatehouse.api.grant({
      name: 'expire-now',
      scopes: ['metrics:read'],
      stackId,
    });
    await gatehouse.api.ok('POST', `/api/v1/tokens/${tokenId}?region=local`, {
      expiresAt: '2001-01-01T00:00:00Z',
    });
    const answer = await fetch(`${gatehouse.url}/api/prom/api/v1/query?query=up`, {
      headers: { authorization: basicAuth(promId, token) },
    });

    expect(answer.status).toBe(401);
  });
});

describe('policy list filters', () => {
  it('filters by realmIdentifier alone', async () => {
    const list = await gatehouse.api.ok(
      'GET',
      `/api/v1/accesspolicies?region=local&realmIdentifier=${stackId}`,
    );

    expect(list.items.length).toBeGreaterThan(0);
    expect(
      list.items.every((p: { realms: { identifier: string }[] }) =>
        p.realms.some((r) => r.identifier === String(stackId)),
      ),
    ).toBe(true);
  });
});

describe('paging', () => {
  it('neither skips nor repeats items when tokens are created between pages', async () => {
    const policy = await gatehouse.api.createPolicy({
      name: 'paging',
      scopes: ['metrics:read'],
      realms: [{ type: 'stack', identifier: String(stackId) }],
    });
    for (let i = 0; i < 5; i++) await gatehouse.api.createToken(policy.id, `page-${i}`);

    const seen: string[] = [];
    let path: string | null = `/api/v1/tokens?region=local&accessPolicyId=${policy.id}&pageSize=2`;
    let created = 5;
    while (path) {
      const page: any = await gatehouse.api.ok('GET', path);
      seen.push(...page.items.map((t: { name: string }) => t.name));
      if (created < 8) await gatehouse.api.createToken(policy.id, `page-${created++}`);
      const cursor: string | null = page.metadata.pagination.pageCursor;
      path = cursor
        ? `/api/v1/tokens?region=local&accessPolicyId=${policy.id}&pageSize=2&pageCursor=${cursor}`
        : null;
    }

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 5)).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    expect(seen).toHaveLength(created);
  });

  it('gives a nextPage that, under /api, is the next page of the same list', async () => {
    const first = await gatehouse.api.ok('GET', '/api/v1/tokens?region=local&pageSize=1');
    const next = await gatehouse.api.ok('GET', `/api${first.metadata.pagination.nextPage}`);

    expect(first.metadata.pagination.nextPage).toMatch(/^\/v1\/tokens\?region=local&/);
    expect(next.items).toHaveLength(1);
    expect(next.items[0].id).not.toBe(first.items[0].id);
  });

  it('refuses a page size above 500', async () => {
    const answer = await gatehouse.api.call(
      'GET',
      '/api/v1/accesspolicies?region=local&pageSize=501',
    );

    expect(answer.status).toBe(409);
  });
});

describe('policy conditions', () => {
  it.each([
    ['an empty object', {}],
    ['null', null],
    ['an empty subnet list', { allowedSubnets: [] }],
  ])('clears allowedSubnets when conditions are %s', async (_name, conditions) => {
    const policy = await gatehouse.api.createPolicy({
      name: `cond-${Math.random().toString(36).slice(2, 8)}`,
      scopes: ['metrics:read'],
      realms: [{ type: 'stack', identifier: String(stackId) }],
      conditions: { allowedSubnets: ['10.0.0.0/8'] },
    });
    const updated = await gatehouse.api.ok(
      'POST',
      `/api/v1/accesspolicies/${policy.id}?region=local`,
      {
        conditions,
      },
    );

    expect(updated.conditions?.allowedSubnets ?? []).toEqual([]);
  });
});

describe('data-plane credentials', () => {
  it('accepts Bearer with a token whose realm is exactly one stack', async () => {
    const { token } = await gatehouse.api.grant({
      name: 'bearer-one',
      scopes: ['metrics:read'],
      stackId,
    });
    const answer = await fetch(`${gatehouse.url}/api/prom/api/v1/query?query=up`, {
      headers: { authorization: `Bearer ${token}` },
    });

    expect(answer.status).toBe(200);
  });

  it('refuses Bearer for an org-realm token when the org has several stacks', async () => {
    await gatehouse.api.createStack('second');
    const org = await gatehouse.api.ok('GET', '/api/orgs/local');
    const { token } = await gatehouse.api.grant({
      name: 'bearer-org',
      scopes: ['metrics:read'],
      orgId: org.id,
    });
    const answer = await fetch(`${gatehouse.url}/api/prom/api/v1/query?query=up`, {
      headers: { authorization: `Bearer ${token}` },
    });

    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { error: string }).error).toMatch(/basic auth|instance/i);
  });

  it('honours allowedSubnets against X-Forwarded-For from a trusted proxy', async () => {
    const { token } = await gatehouse.api.grant({
      name: 'subnet',
      scopes: ['metrics:read'],
      stackId,
      conditions: { allowedSubnets: ['10.1.0.0/16'] },
    });
    const ask = (forwardedFor: string) =>
      fetch(`${gatehouse.url}/api/prom/api/v1/query?query=up`, {
        headers: { authorization: basicAuth(promId, token), 'x-forwarded-for': forwardedFor },
      });

    expect((await ask('10.1.2.3')).status).toBe(200);
    const refused = await ask('192.168.1.1');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/192\.168\.1\.1/);
  });
});

describe('oversized read forms', () => {
  it("regression: refuses a 1.5 MB form on /labels, which re-encoded would pass Go's form limit", async () => {
    const { token } = await gatehouse.api.grant({
      name: 'big-form',
      scopes: ['metrics:read'],
      stackId,
      selectors: ['{namespace="team-a"}'],
    });
    const before = upstream.requests.length;
    const answer = await fetch(`${gatehouse.url}/api/prom/api/v1/labels`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(promId, token),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `pad=${'~'.repeat(1_500_000)}`,
    });

    expect(answer.status).toBe(413);
    expect(upstream.requests.length).toBe(before);
  });
});

describe('selector parameters', () => {
  it('regression: refuses a thousand match[] before multiplying them by the policy', async () => {
    const { token } = await gatehouse.api.grant({
      name: 'many-match',
      scopes: ['metrics:read'],
      stackId,
      selectors: ['{namespace="a"}', '{job="b", x="1"}'],
    });
    const before = upstream.requests.length;
    const form = Array.from({ length: 1000 }, (_, i) => `match[]={a="${i}"}`).join('&');
    const started = Date.now();
    const answer = await fetch(`${gatehouse.url}/api/prom/api/v1/labels`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(promId, token),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
    });

    expect(answer.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(upstream.requests.length).toBe(before);
  });
});

describe('instance ids of other stacks', () => {
  it('answers an instance of an uncovered stack for another service as unknown', async () => {
    const other = await gatehouse.api.createStack('otherservice');
    const otherLogs = (await gatehouse.api.instance('otherservice')).hlInstanceId;
    const { token } = await gatehouse.api.grant({
      name: 'mine-only',
      scopes: ['metrics:read'],
      stackId,
    });
    const answer = await fetch(`${gatehouse.url}/api/prom/api/v1/query?query=up`, {
      headers: { authorization: basicAuth(otherLogs, token) },
    });

    expect(other.id).not.toBe(stackId);
    expect(answer.status).toBe(401);
    expect(await answer.text()).toMatch(/unknown instance id/);
  });
});

describe('token usage', () => {
  it('records firstUsedAt and lastUsedAt in a batch after use, not on the request', async () => {
    const policy = await gatehouse.api.createPolicy({
      name: 'usage',
      scopes: ['metrics:read'],
      realms: [{ type: 'stack', identifier: String(stackId) }],
    });
    const created = await gatehouse.api.createToken(policy.id, 'used');
    const read = () => gatehouse.api.ok('GET', `/api/v1/tokens/${created.id}?region=local`);

    await fetch(`${gatehouse.url}/api/prom/api/v1/query?query=up`, {
      headers: { authorization: basicAuth(promId, created.token) },
    });
    const before = await read();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await read();

    expect(before.lastUsedAt ?? null).toBeNull();
    expect(after.firstUsedAt).toMatch(/Z$/);
    expect(after.lastUsedAt).toMatch(/Z$/);
  });
});

describe('policy status', () => {
  it('stops every token of a policy set inactive at once, and lets them in again', async () => {
    const { token, policyId } = await gatehouse.api.grant({
      name: 'toggle',
      scopes: ['metrics:read'],
      stackId,
    });
    const ask = () =>
      fetch(`${gatehouse.url}/api/prom/api/v1/query?query=up`, {
        headers: { authorization: basicAuth(promId, token) },
      });

    expect((await ask()).status).toBe(200);
    await gatehouse.api.ok('POST', `/api/v1/accesspolicies/${policyId}?region=local`, {
      status: 'inactive',
    });
    expect((await ask()).status).toBe(401);
    await gatehouse.api.ok('POST', `/api/v1/accesspolicies/${policyId}?region=local`, {
      status: 'active',
    });
    expect((await ask()).status).toBe(200);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the hourly budget of access-policy calls', async () => {
    const limited = await startTestGatehouse({ limits: { accessPolicyRequestsPerHour: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await limited.api.call('GET', '/api/v1/accesspolicies?region=local')).status,
        );
      }
      const refused = await limited.api.call('GET', '/api/v1/tokens?region=local');
      const stacks = await limited.api.call('GET', '/api/instances');

      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.body.code).toBe('TooManyRequests');
      expect(stacks.status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
