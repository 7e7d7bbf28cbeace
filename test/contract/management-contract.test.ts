import { describeContract } from '../support/openapi-contract.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorObject } from 'ajv';
import { ContractViolation, expectSchema } from '../support/openapi-contract.js';
import { startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';
import { ContractProbe, emptyBodyFor } from './contract-probe.js';

/**
 * Every answer of the management endpoints Gatehouse first served (stacks, instances, access
 * policies, tokens), checked against the published Grafana Cloud API document (docs/api.md).
 */

let gatehouse: TestGatehouse;
let probe: ContractProbe;
let stack: { id: number; slug: string };
let policyId: string;

const missing = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  probe = new ContractProbe(gatehouse.api);
  stack = await gatehouse.api.createStack('contract');
  const policy = await gatehouse.api.createPolicy(documentedPolicy('contract-readers'));
  policyId = policy.id;
  await gatehouse.api.createToken(policyId, 'contract-token');
});

afterAll(async () => {
  await gatehouse?.stop();
});

/**
 * The document's scope enum is not exhaustive: Grafana Cloud and Terraform use `stacks:*`,
 * `orgs:*`, `profiles:*`, `set:*` and more (reference/grafana-cloud-facts.md §3), and scopes are
 * echoed verbatim. So a policy may differ from AuthAccessPolicy in its scope values, nowhere else.
 */
async function withUndocumentedScopes(check: () => unknown): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (!(error instanceof ContractViolation)) throw error;

    const scopeEnum = (violation: ErrorObject) =>
      violation.keyword === 'enum' && /^\/scopes\/\d+$/.test(violation.instancePath);
    if (!error.violations.every(scopeEnum)) throw error;
  }
}

/** A policy that uses only what the document's enums list. */
function documentedPolicy(name: string): Record<string, unknown> {
  return {
    name,
    displayName: `Policy ${name}`,
    scopes: ['metrics:read', 'logs:read'],
    realms: [
      {
        type: 'stack',
        identifier: String(stack.id),
        labelPolicies: [{ selector: '{namespace="team-a"}' }],
      },
    ],
    conditions: { allowedSubnets: ['10.0.0.0/8', '2001:db8::/32'] },
  };
}

describeContract('stacks', () => {
  const stackBody = (slug: string) => ({
    name: `Stack ${slug}`,
    slug,
    region: 'local',
    description: 'contract test',
    labels: { team: 'a' },
    deleteProtection: false,
  });

  it('a created stack validates against createStackV1 200', async () => {
    await probe.expect('createStackV1', 200, 'POST', '/api/v1/stacks', stackBody('created'));
  });

  it('a stack read by slug and by id validates against getStackV1 200', async () => {
    await probe.expect('getStackV1', 200, 'GET', `/api/v1/stacks/${stack.slug}`);
    await probe.expect('getStackV1', 200, 'GET', `/api/v1/stacks/${stack.id}`);
  });

  it('a deleted stack validates against deleteStackV1 200', async () => {
    await gatehouse.api.ok('POST', '/api/v1/stacks', stackBody('deleted'));

    await probe.expect('deleteStackV1', 200, 'DELETE', '/api/v1/stacks/deleted');
  });

  it('an instance read by slug and by id validates against getInstance 200', async () => {
    await probe.expect('getInstance', 200, 'GET', `/api/instances/${stack.slug}`);
    await probe.expect('getInstance', 200, 'GET', `/api/instances/${stack.id}`);
  });

  it('a duplicate slug answers createStackV1 with a documented 409', async () => {
    const again = stackBody(stack.slug);

    await probe.expect('createStackV1', 409, 'POST', '/api/v1/stacks', again);
  });

  it.each([
    ['a slug with capitals', { ...stackBody('x'), slug: 'Bad' }],
    ['an unknown region', { ...stackBody('nowhere'), region: 'mars' }],
    ['no name', { ...stackBody('noname'), name: undefined }],
  ])('%s answers createStackV1 with a documented 409', async (_name, body) => {
    await probe.expect('createStackV1', 409, 'POST', '/api/v1/stacks', body);
  });

  it('a body that is not JSON answers createStackV1 with a documented 409', async () => {
    await probe.expectRaw('createStackV1', 409, 'POST', '/api/v1/stacks', '{not json');
  });

  it('an unknown stack answers getStackV1 and deleteStackV1 with a documented 404', async () => {
    await probe.expect('getStackV1', 404, 'GET', '/api/v1/stacks/nosuchstack');
    await probe.expect('deleteStackV1', 404, 'DELETE', '/api/v1/stacks/nosuchstack');
  });

  it('an unknown instance answers getInstance with a documented 404', async () => {
    await probe.expect('getInstance', 404, 'GET', '/api/instances/nosuchstack');
  });

  it('a delete-protected stack answers deleteStackV1 with a documented 409', async () => {
    await gatehouse.api.ok('POST', '/api/v1/stacks', {
      ...stackBody('kept'),
      deleteProtection: true,
    });

    await probe.expect('deleteStackV1', 409, 'DELETE', '/api/v1/stacks/kept');
  });
});

describeContract('access policies', () => {
  const list = '/api/v1/accesspolicies?region=local';
  const item = (id: string) => `/api/v1/accesspolicies/${id}?region=local`;

  it('the policy list validates against getAccessPolicies 200', async () => {
    const body = await probe.expect('getAccessPolicies', 200, 'GET', list);

    expect(body.items.length).toBeGreaterThan(0);
  });

  it('a paged policy list with a next cursor validates against getAccessPolicies 200', async () => {
    const body = await probe.expect('getAccessPolicies', 200, 'GET', `${list}&pageSize=1`);

    expect(body.metadata.pagination.pageCursor).toEqual(expect.any(String));
  });

  it('every listed policy validates against AuthAccessPolicy, scopes aside', async () => {
    const body = await gatehouse.api.ok('GET', list);

    for (const [index, policy] of body.items.entries()) {
      await withUndocumentedScopes(() =>
        expectSchema('AuthAccessPolicy', policy, `items[${index}] (${policy.name})`),
      );
    }
  });

  it('the admin policy validates against getAccessPolicy 200, scopes aside', async () => {
    const { items } = await gatehouse.api.ok('GET', `${list}&name=gatehouse-admin`);

    await withUndocumentedScopes(() =>
      probe.expect('getAccessPolicy', 200, 'GET', item(items[0].id)),
    );
  });

  it('a created policy validates against postAccessPolicies 200', async () => {
    await probe.expect('postAccessPolicies', 200, 'POST', list, documentedPolicy('created'));
  });

  it('a minimal created policy validates against postAccessPolicies 200', async () => {
    const body = {
      name: 'minimal',
      scopes: ['metrics:read'],
      realms: [{ type: 'org', identifier: '1' }],
    };

    await probe.expect('postAccessPolicies', 200, 'POST', list, body);
  });

  it('a policy read back validates against getAccessPolicy 200', async () => {
    await probe.expect('getAccessPolicy', 200, 'GET', item(policyId));
  });

  it('an updated policy validates against postAccessPolicy 200', async () => {
    const { id } = await gatehouse.api.createPolicy(documentedPolicy('updated'));
    const patch = { displayName: 'Updated', status: 'inactive', conditions: {} };

    await probe.expect('postAccessPolicy', 200, 'POST', item(id), patch);
  });

  it('a deleted policy answers deleteAccessPolicy with a documented 200', async () => {
    const { id } = await gatehouse.api.createPolicy(documentedPolicy('deleted'));

    await probe.expect('deleteAccessPolicy', 200, 'DELETE', item(id));
  });

  it.each([
    ['getAccessPolicies', 'GET', '/api/v1/accesspolicies'],
    ['postAccessPolicies', 'POST', '/api/v1/accesspolicies'],
    ['getAccessPolicy', 'GET', `/api/v1/accesspolicies/${missing}`],
    ['postAccessPolicy', 'POST', `/api/v1/accesspolicies/${missing}`],
    ['deleteAccessPolicy', 'DELETE', `/api/v1/accesspolicies/${missing}`],
  ])(
    'a call without region answers %s with a documented 409',
    async (operationId, method, path) => {
      await probe.expect(operationId, 409, method, path, emptyBodyFor(method));
    },
  );

  it.each([
    ['a scope without a colon', { scopes: ['metrics'] }],
    ['a realm of an unknown type', { realms: [{ type: 'team', identifier: '1' }] }],
    [
      'a selector that does not parse',
      { realms: [{ type: 'org', identifier: '1', labelPolicies: [{ selector: '{a=}' }] }] },
    ],
    ['a CIDR that is not one', { conditions: { allowedSubnets: ['10.0.0.300/8'] } }],
    ['a duplicate name', { name: 'contract-readers' }],
  ])('%s answers postAccessPolicies with a documented 409', async (_name, change) => {
    const body = { ...documentedPolicy('refused'), ...change };

    await probe.expect('postAccessPolicies', 409, 'POST', list, body);
  });

  it('an unknown region answers getAccessPolicies with a documented 409', async () => {
    await probe.expect('getAccessPolicies', 409, 'GET', '/api/v1/accesspolicies?region=mars');
  });

  it('a body that is not JSON answers postAccessPolicies with a documented 409', async () => {
    await probe.expectRaw('postAccessPolicies', 409, 'POST', list, '[1,');
  });

  it('an invalid status answers postAccessPolicy with a documented 409', async () => {
    await probe.expect('postAccessPolicy', 409, 'POST', item(policyId), { status: 'paused' });
  });

  it.each([
    ['getAccessPolicy', 'GET'],
    ['postAccessPolicy', 'POST'],
    ['deleteAccessPolicy', 'DELETE'],
  ])('an unknown policy answers %s with a documented 404', async (operationId, method) => {
    const body = method === 'POST' ? { displayName: 'x' } : undefined;

    await probe.expect(operationId, 404, method, item(missing), body);
  });
});

describeContract('tokens', () => {
  const list = '/api/v1/tokens?region=local';
  const item = (id: string) => `/api/v1/tokens/${id}?region=local`;
  const newToken = (name: string, extra: Record<string, unknown> = {}) => ({
    accessPolicyId: policyId,
    name,
    ...extra,
  });

  it('a created token validates against postTokens 200', async () => {
    const body = newToken('created', { displayName: 'Created', expiresAt: '2999-01-01T00:00:00Z' });

    const created = await probe.expect('postTokens', 200, 'POST', list, body);
    expect(created.token).toMatch(/^glc_/);
  });

  it('a token created with an empty displayName validates against postTokens 200', async () => {
    await probe.expect('postTokens', 200, 'POST', list, newToken('unnamed', { displayName: '' }));
  });

  it('the token list validates against getTokens 200', async () => {
    const body = await probe.expect('getTokens', 200, 'GET', `${list}&accessPolicyId=${policyId}`);

    expect(body.items.length).toBeGreaterThan(0);
  });

  it('every listed token validates against AuthToken', async () => {
    const body = await gatehouse.api.ok('GET', list);

    for (const [index, token] of body.items.entries()) {
      expectSchema('AuthToken', token, `items[${index}] (${token.name})`);
    }
  });

  it('a token read back validates against getToken 200', async () => {
    const { id } = await gatehouse.api.createToken(policyId, 'read-back');

    await probe.expect('getToken', 200, 'GET', item(id));
  });

  it('an updated token validates against postToken 200', async () => {
    const { id } = await gatehouse.api.createToken(policyId, 'updated', {
      expiresAt: '2999-01-01T00:00:00Z',
    });

    await probe.expect('postToken', 200, 'POST', item(id), { displayName: 'Renamed' });
    await probe.expect('postToken', 200, 'POST', item(id), { expiresAt: null });
  });

  it('a deleted token validates against deleteToken 200', async () => {
    const { id } = await gatehouse.api.createToken(policyId, 'deleted');

    await probe.expect('deleteToken', 200, 'DELETE', item(id));
  });

  it.each([
    ['getTokens', 'GET', '/api/v1/tokens'],
    ['postTokens', 'POST', '/api/v1/tokens'],
    ['getToken', 'GET', `/api/v1/tokens/${missing}`],
    ['postToken', 'POST', `/api/v1/tokens/${missing}`],
    ['deleteToken', 'DELETE', `/api/v1/tokens/${missing}`],
  ])(
    'a call without region answers %s with a documented 409',
    async (operationId, method, path) => {
      await probe.expect(operationId, 409, method, path, emptyBodyFor(method));
    },
  );

  it.each([
    ['an unknown accessPolicyId', { accessPolicyId: missing }],
    ['a name with capitals', { name: 'Bad' }],
    ['a duplicate name', { name: 'contract-token' }],
    ['an expiresAt in the past', { expiresAt: '2000-01-01T00:00:00Z' }],
    ['an expiresAt that is not a time', { expiresAt: 'tomorrow' }],
  ])('%s answers postTokens with a documented 409', async (_name, change) => {
    await probe.expect('postTokens', 409, 'POST', list, { ...newToken('refused'), ...change });
  });

  it('a body that is not JSON answers postTokens with a documented 409', async () => {
    await probe.expectRaw('postTokens', 409, 'POST', list, 'token please');
  });

  it('an invalid expiresAt answers postToken with a documented 409', async () => {
    const { id } = await gatehouse.api.createToken(policyId, 'bad-update');

    await probe.expect('postToken', 409, 'POST', item(id), { expiresAt: 'never' });
  });

  it.each([
    ['getToken', 'GET'],
    ['postToken', 'POST'],
    ['deleteToken', 'DELETE'],
  ])('an unknown token answers %s with a documented 404', async (operationId, method) => {
    const body = method === 'POST' ? { displayName: 'x' } : undefined;

    await probe.expect(operationId, 404, method, item(missing), body);
  });
});

describeContract('credentials and scopes on every served operation', () => {
  const operations: [string, string, string][] = [
    ['createStackV1', 'POST', '/api/v1/stacks'],
    ['getStackV1', 'GET', '/api/v1/stacks/contract'],
    ['deleteStackV1', 'DELETE', '/api/v1/stacks/contract'],
    ['getInstance', 'GET', '/api/instances/contract'],
    ['getAccessPolicies', 'GET', '/api/v1/accesspolicies?region=local'],
    ['postAccessPolicies', 'POST', '/api/v1/accesspolicies?region=local'],
    ['getAccessPolicy', 'GET', `/api/v1/accesspolicies/${missing}?region=local`],
    ['postAccessPolicy', 'POST', `/api/v1/accesspolicies/${missing}?region=local`],
    ['deleteAccessPolicy', 'DELETE', `/api/v1/accesspolicies/${missing}?region=local`],
    ['getTokens', 'GET', '/api/v1/tokens?region=local'],
    ['postTokens', 'POST', '/api/v1/tokens?region=local'],
    ['getToken', 'GET', `/api/v1/tokens/${missing}?region=local`],
    ['postToken', 'POST', `/api/v1/tokens/${missing}?region=local`],
    ['deleteToken', 'DELETE', `/api/v1/tokens/${missing}?region=local`],
  ];

  it.each(operations)(
    'a token that is not one answers %s with a documented 401',
    async (id, method, path) => {
      const stranger = probe.withToken('glc_bm90LWEtdG9rZW4=');

      await stranger.expect(id, 401, method, path, emptyBodyFor(method));
    },
  );

  it.each(operations)(
    'a token without the scope answers %s with a documented 403',
    async (id, method, path) => {
      const { token } = await gatehouse.api.grant({
        name: `no-scope-${id.toLowerCase()}`,
        scopes: ['metrics:read'],
        orgId: 1,
      });

      await probe.withToken(token).expect(id, 403, method, path, emptyBodyFor(method));
    },
  );
});
