import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

let gatehouse: TestGatehouse;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
});

afterAll(async () => {
  await gatehouse?.stop();
});

describe('first start', () => {
  it('writes the admin token once to <dataDir>/admin-token with mode 0600', () => {
    const path = join(gatehouse.config.dataDir, 'admin-token');

    expect(readFileSync(path, 'utf8').trim()).toBe(gatehouse.adminToken);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('keeps the database readable by its owner only', () => {
    const path = join(gatehouse.config.dataDir, 'gatehouse.db');

    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('issues a glc_ token that decodes to the Grafana Cloud claims', () => {
    const claims = JSON.parse(Buffer.from(gatehouse.adminToken.slice(4), 'base64').toString());

    expect(Object.keys(claims)).toEqual(['o', 'n', 'k', 'm']);
    expect(claims.m).toEqual({ r: 'local' });
    expect(claims.k).toMatch(/^[A-Za-z0-9]{40}$/);
  });
});

describe('stacks', () => {
  it('creates a stack and shows its metrics instance id and URL', async () => {
    const stack = await gatehouse.api.createStack('alpha');
    const instance = await gatehouse.api.instance('alpha');

    expect(instance.id).toBe(stack.id);
    expect(instance.hmInstancePromId).toBeGreaterThan(0);
    expect(instance.hmInstancePromId).toBeLessThan(16_777_216);
    expect((instance as any).hmInstancePromUrl).toBe(gatehouse.url);
    expect(instance.hlInstanceId).not.toBe(instance.hmInstancePromId);
  });

  it('refuses a second stack with the same slug with 409', async () => {
    await gatehouse.api.createStack('dupe');
    const again = await gatehouse.api.call('POST', '/api/v1/stacks', {
      name: 'x',
      slug: 'dupe',
      region: 'local',
    });

    expect(again.status).toBe(409);
    expect(again.body.code).toBe('Conflict');
  });
});

describe('access policies and tokens', () => {
  it('runs the create, read, update, delete cycle with Cloud field shapes', async () => {
    const stack = await gatehouse.api.createStack('cycle');
    const created = await gatehouse.api.createPolicy({
      name: 'cycle-reader',
      scopes: ['metrics:read'],
      realms: [
        {
          type: 'stack',
          identifier: String(stack.id),
          labelPolicies: [{ selector: '{env != "dev"}' }],
        },
      ],
      conditions: {},
    });

    const read = await gatehouse.api.ok('GET', `/api/v1/accesspolicies/${created.id}?region=local`);
    expect(read).toMatchObject({
      name: 'cycle-reader',
      displayName: 'cycle-reader',
      orgId: expect.stringMatching(/^\d+$/),
      status: 'active',
      realms: [
        {
          type: 'stack',
          identifier: String(stack.id),
          labelPolicies: [{ selector: '{env != "dev"}' }],
        },
      ],
    });
    expect(read.conditions).toBeUndefined();
    expect(read.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const updated = await gatehouse.api.ok(
      'POST',
      `/api/v1/accesspolicies/${created.id}?region=local`,
      {
        displayName: 'Cycle reader',
        status: 'inactive',
      },
    );
    expect(updated).toMatchObject({
      displayName: 'Cycle reader',
      status: 'inactive',
      scopes: ['metrics:read'],
    });

    const deleted = await gatehouse.api.call(
      'DELETE',
      `/api/v1/accesspolicies/${created.id}?region=local`,
    );
    expect(deleted.status).toBe(200);
    expect(
      (await gatehouse.api.call('GET', `/api/v1/accesspolicies/${created.id}?region=local`)).status,
    ).toBe(404);
  });

  it('shows a token secret only in the create answer and stores no secret', async () => {
    const policy = await gatehouse.api.createPolicy({
      name: 'secret-check',
      scopes: ['metrics:read'],
      realms: [{ type: 'org', identifier: '1' }],
    });
    const created = await gatehouse.api.createToken(policy.id, 'only-once', { displayName: '' });
    const read = await gatehouse.api.ok('GET', `/api/v1/tokens/${created.id}?region=local`);
    const list = await gatehouse.api.ok(
      'GET',
      `/api/v1/tokens?region=local&accessPolicyId=${policy.id}`,
    );

    expect(created.token).toMatch(/^glc_[A-Za-z0-9+/]+=*$/);
    expect(read.token).toBeUndefined();
    expect(read.displayName).toBe('only-once');
    expect(JSON.stringify(list)).not.toContain(created.token.slice(4, 40));
    expect(list.items.map((item: { id: string }) => item.id)).toEqual([created.id]);
  });

  it('clears token expiry with expiresAt null', async () => {
    const policy = await gatehouse.api.createPolicy({
      name: 'expiry',
      scopes: ['metrics:read'],
      realms: [{ type: 'org', identifier: '1' }],
    });
    const token = await gatehouse.api.createToken(policy.id, 'expiring', {
      expiresAt: '2999-01-01T00:00:00Z',
    });

    const cleared = await gatehouse.api.ok('POST', `/api/v1/tokens/${token.id}?region=local`, {
      expiresAt: null,
    });
    expect(cleared.expiresAt).toBeUndefined();
  });
});

describe('bad input on the management API', () => {
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    [
      'a name with capitals',
      'name',
      { name: 'Bad', scopes: ['metrics:read'], realms: [{ type: 'org', identifier: '1' }] },
      /name/,
    ],
    [
      'a scope without a colon',
      'scopes',
      { name: 'a1', scopes: ['metrics'], realms: [{ type: 'org', identifier: '1' }] },
      /scopes/,
    ],
    [
      'a scope with two colons',
      'scopes',
      { name: 'a2', scopes: ['a:b:c'], realms: [{ type: 'org', identifier: '1' }] },
      /scopes/,
    ],
    [
      'an unknown realm type',
      'realms',
      { name: 'a3', scopes: ['metrics:read'], realms: [{ type: 'team', identifier: '1' }] },
      /realms\[0\]\.type/,
    ],
    ['no realms', 'realms', { name: 'a4', scopes: ['metrics:read'], realms: [] }, /realms/],
    [
      'a CIDR that is not one',
      'cidr',
      {
        name: 'a5',
        scopes: ['metrics:read'],
        realms: [{ type: 'org', identifier: '1' }],
        conditions: { allowedSubnets: ['10.0.0.300/8'] },
      },
      /allowedSubnets\[0\]/,
    ],
    [
      'a selector that does not parse',
      'selector',
      {
        name: 'a6',
        scopes: ['metrics:read'],
        realms: [{ type: 'org', identifier: '1', labelPolicies: [{ selector: '{namespace=}' }] }],
      },
      /labelPolicies\[0\]\.selector/,
    ],
    [
      'a selector regex that does not compile',
      'selector',
      {
        name: 'a7',
        scopes: ['metrics:read'],
        realms: [
          { type: 'org', identifier: '1', labelPolicies: [{ selector: '{namespace=~"("}' }] },
        ],
      },
      /labelPolicies\[0\]\.selector.*does not compile/,
    ],
    [
      'regression: a selector regex that would widen once merged (a)|(.*)',
      'selector',
      {
        name: 'a8',
        scopes: ['metrics:read'],
        realms: [
          {
            type: 'org',
            identifier: '1',
            labelPolicies: [{ selector: '{namespace=~"team-a)|(.*"}' }],
          },
        ],
      },
      /does not compile/,
    ],
    [
      'an empty selector, which would select everything',
      'selector',
      {
        name: 'a9',
        scopes: ['metrics:read'],
        realms: [{ type: 'org', identifier: '1', labelPolicies: [{ selector: '{}' }] }],
      },
      /labelPolicies\[0\]\.selector.*no matchers/,
    ],
    [
      'a realm identifier with leading zeros, which would match no stack',
      'identifier',
      { name: 'a10', scopes: ['metrics:read'], realms: [{ type: 'stack', identifier: '0002' }] },
      /realms\[0\]\.identifier/,
    ],
  ];

  it('refuses a regex repeat count RE2 would refuse', async () => {
    const answer = await gatehouse.api.call('POST', '/api/v1/accesspolicies?region=local', {
      name: 'big-repeat',
      scopes: ['metrics:read'],
      realms: [{ type: 'org', identifier: '1', labelPolicies: [{ selector: '{a=~"x{1001}"}' }] }],
    });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/1000/);
  });

  it('accepts an RE2 named group in a label policy', async () => {
    const answer = await gatehouse.api.call('POST', '/api/v1/accesspolicies?region=local', {
      name: 'named-group',
      scopes: ['metrics:read'],
      realms: [
        { type: 'org', identifier: '1', labelPolicies: [{ selector: '{a=~"(?P<x>team)-a"}' }] },
      ],
    });

    expect(answer.status).toBe(200);
  });

  it('accepts an RE2 case-insensitive regex in a label policy', async () => {
    const answer = await gatehouse.api.call('POST', '/api/v1/accesspolicies?region=local', {
      name: 'ci-regex',
      scopes: ['metrics:read'],
      realms: [
        {
          type: 'org',
          identifier: '1',
          labelPolicies: [{ selector: '{namespace=~"(?i)team-a"}' }],
        },
      ],
    });

    expect(answer.status).toBe(200);
  });

  it.each(cases)('refuses %s with 409 naming the field', async (_name, _field, body, message) => {
    const answer = await gatehouse.api.call('POST', '/api/v1/accesspolicies?region=local', body);

    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('Conflict');
    expect(answer.body.message).toMatch(message);
  });

  it('requires the region parameter', async () => {
    const answer = await gatehouse.api.call('GET', '/api/v1/accesspolicies');

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/region/);
  });

  it('refuses a duplicate policy name in the same region with 409', async () => {
    const body = {
      name: 'twice',
      scopes: ['metrics:read'],
      realms: [{ type: 'org', identifier: '1' }],
    };
    await gatehouse.api.createPolicy(body);

    const again = await gatehouse.api.call('POST', '/api/v1/accesspolicies?region=local', body);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already exists/);
  });

  it('answers 401 InvalidCredentials to a token that is not one', async () => {
    const answer = await gatehouse.api
      .withToken('glc_bm90LWEtdG9rZW4=')
      .call('GET', '/api/v1/accesspolicies?region=local');

    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('InvalidCredentials');
  });

  it('answers 403 to a valid token without the management scope', async () => {
    const stack = await gatehouse.api.createStack('noscope');
    const { token } = await gatehouse.api.grant({
      name: 'reader-only',
      scopes: ['metrics:read'],
      stackId: stack.id,
    });

    const answer = await gatehouse.api
      .withToken(token)
      .call('GET', '/api/v1/accesspolicies?region=local');
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/missing required scope \[accesspolicies:read\]/);
  });

  it('answers 405 with an Allow header to a method a path does not take', async () => {
    const answer = await gatehouse.api.call('PUT', '/api/v1/tokens?region=local');

    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toMatch(/GET/);
  });

  it('answers 404 in the Cloud shape to an unknown route', async () => {
    const answer = await gatehouse.api.call('GET', '/api/v1/nothing-here');

    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('NotFound');
  });
});
