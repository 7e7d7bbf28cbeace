import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract } from '../support/openapi-contract.js';
import {
  startTestGatehouse,
  type ApiAnswer,
  type TestGatehouse,
} from '../support/test-gatehouse.js';

/**
 * The Terraform `grafana` provider's call sequences for its cloud resources, replayed with the
 * bodies it sends (grafana-cloud-facts §1.4, §2.1); every answer is checked against the OpenAPI
 * document as well as against what the provider reads back.
 */
let gatehouse: TestGatehouse;
let orgId: number;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  orgId = (await gatehouse.api.ok('GET', '/api/orgs/local')).id;
});

afterAll(async () => {
  await gatehouse?.stop();
});

/** One provider call: the answer must be the expected status and match the document. */
async function call(
  method: string,
  path: string,
  status: number,
  body?: unknown,
): Promise<ApiAnswer> {
  const answer = await gatehouse.api.call(method, path, body);
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);

  const documentPath = new URL(path, 'http://x').pathname.replace(/^\/api/, '');
  expectContract(method, documentPath, answer.status, answer.body);
  return answer;
}

function policyBody(name: string, scopes: string[], selectors: string[] = []) {
  return {
    conditions: {},
    displayName: name,
    name,
    realms: [
      {
        identifier: String(orgId),
        labelPolicies: selectors.map((selector) => ({ selector })),
        type: 'org',
      },
    ],
    scopes,
  };
}

describe('grafana_cloud_access_policy', () => {
  it('creates, reads, updates, reads and deletes a policy; a second delete is a 404 it ignores', async () => {
    const created = await call(
      'POST',
      '/api/v1/accesspolicies?region=local',
      200,
      policyBody('tf-policy', ['metrics:read'], ['{namespace="a"}']),
    );
    const id = created.body.id;
    const read = await call('GET', `/api/v1/accesspolicies/${id}?region=local`, 200);

    const { name: _name, ...update } = policyBody('tf-policy', [
      'metrics:read',
      'logs:read',
      'traces:write',
    ]);
    await call('POST', `/api/v1/accesspolicies/${id}?region=local`, 200, {
      ...update,
      displayName: 'TF policy',
    });
    const reread = await call('GET', `/api/v1/accesspolicies/${id}?region=local`, 200);
    await call('DELETE', `/api/v1/accesspolicies/${id}?region=local`, 200);
    await call('GET', `/api/v1/accesspolicies/${id}?region=local`, 404);
    await call('DELETE', `/api/v1/accesspolicies/${id}?region=local`, 404);

    expect(read.body.realms[0].labelPolicies).toEqual([{ selector: '{namespace="a"}' }]);
    expect(read.body.createdAt).toMatch(/Z$/);
    expect(reread.body.scopes).toEqual(['metrics:read', 'logs:read', 'traces:write']);
    expect(reread.body.displayName).toBe('TF policy');
    expect(reread.body.realms[0].labelPolicies).toEqual([]);
  });

  it('adopts a policy by name after a create whose answer was lost', async () => {
    await call(
      'POST',
      '/api/v1/accesspolicies?region=local',
      200,
      policyBody('tf-adopt', ['metrics:read']),
    );
    const retry = await call(
      'POST',
      '/api/v1/accesspolicies?region=local',
      409,
      policyBody('tf-adopt', ['metrics:read']),
    );
    const found = await call('GET', '/api/v1/accesspolicies?region=local&name=tf-adopt', 200);

    expect(retry.body.code).toBe('Conflict');
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({ name: 'tf-adopt', status: 'active' });
    expect(found.body.items[0].id).toEqual(expect.any(String));
  });

  it('lists policies of every region found through /stack-regions, as the data source does', async () => {
    const regions = await call('GET', '/api/stack-regions', 200);

    for (const region of regions.body.items) {
      const list = await call(
        'GET',
        `/api/v1/accesspolicies?region=${region.slug}&orgId=${orgId}`,
        200,
      );
      for (const item of list.body.items) {
        expect(item).toEqual(
          expect.objectContaining({
            id: expect.any(String),
            displayName: expect.any(String),
            status: expect.any(String),
          }),
        );
      }
    }
  });
});

describe('scopes outside the document enum', () => {
  it('stores and echoes set: and other well-formed scopes verbatim, as the provider diffs them', async () => {
    const scopes = ['set:alloy-data-write', 'profiles:write', 'stacks:read'];
    const created = await gatehouse.api.ok(
      'POST',
      '/api/v1/accesspolicies?region=local',
      policyBody('tf-sets', scopes),
    );
    const read = await gatehouse.api.ok('GET', `/api/v1/accesspolicies/${created.id}?region=local`);

    expect(read.scopes).toEqual(scopes);
  });
});

describe('grafana_cloud_access_policy_token', () => {
  it('creates with displayName "", reads the name back, updates expiry, clears it and deletes', async () => {
    const policy = await call(
      'POST',
      '/api/v1/accesspolicies?region=local',
      200,
      policyBody('tf-tokens', ['metrics:read']),
    );
    const expiry = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const created = await call('POST', '/api/v1/tokens?region=local', 200, {
      accessPolicyId: policy.body.id,
      displayName: '',
      expiresAt: expiry,
      name: 'tf-token',
    });
    const read = await call('GET', `/api/v1/tokens/${created.body.id}?region=local`, 200);

    const later = new Date(Date.now() + 7 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const moved = await call('POST', `/api/v1/tokens/${created.body.id}?region=local`, 200, {
      expiresAt: later,
    });
    const cleared = await call('POST', `/api/v1/tokens/${created.body.id}?region=local`, 200, {
      expiresAt: null,
    });
    await call('DELETE', `/api/v1/tokens/${created.body.id}?region=local`, 200);
    await call('GET', `/api/v1/tokens/${created.body.id}?region=local`, 404);

    expect(created.body.token).toMatch(/^glc_/);
    expect(read.body.token).toBeUndefined();
    expect(read.body.displayName).toBe('tf-token');
    expect(read.body.expiresAt).toBe(expiry);
    expect(moved.body.expiresAt).toBe(later);
    expect(cleared.body.expiresAt ?? null).toBeNull();
  });
});

describe('grafana_cloud_stack', () => {
  it('pre-checks, creates, waits for readiness, reads, reads connections, unprotects and deletes', async () => {
    await call('GET', '/api/instances/tfstack', 404);
    const created = await call('POST', '/api/v1/stacks', 200, {
      name: 'tfstack',
      slug: 'tfstack',
      region: 'local',
      org: 'local',
      labels: { team: 'platform' },
    });
    const id = created.body.id;
    const ready = await call('GET', `/api/v1/stacks/${id}/readiness`, 200);
    const instance = await call('GET', `/api/instances/${id}`, 200);
    const v1Connections = await call('GET', `/api/v1/stacks/${id}/connections`, 200);
    await call('GET', `/api/instances/${id}/connections`, 200);
    await call('DELETE', `/api/v1/stacks/${id}`, 409);
    await call('POST', '/api/v1/stacks/tfstack', 200, { deleteProtection: false });
    await call('DELETE', `/api/v1/stacks/${id}`, 200);
    await call('GET', `/api/instances/${id}`, 404);

    expect(ready.body).toEqual({ ready: true });
    expect(instance.body).toMatchObject({
      slug: 'tfstack',
      labels: { team: 'platform' },
      hmInstancePromUrl: gatehouse.url,
    });
    expect(v1Connections.body.otlp.url).toBe(`${gatehouse.url}/otlp`);
  });

  it('answers the duplicate-slug message the provider looks for', async () => {
    await call('POST', '/api/v1/stacks', 200, {
      name: 'twice',
      slug: 'twice',
      region: 'local',
      org: 'local',
    });
    const again = await gatehouse.api.call('POST', '/api/v1/stacks', {
      name: 'twice',
      slug: 'twice',
      region: 'local',
      org: 'local',
    });

    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already exists/);
  });
});

describe('grafana_cloud_organization and the stack lister', () => {
  it('reads the org and lists instances with the fields the provider maps', async () => {
    const org = await call('GET', `/api/orgs/${orgId}`, 200);
    const list = await call('GET', '/api/instances', 200);

    expect(org.body).toMatchObject({ id: orgId, slug: 'local', url: gatehouse.url });
    expect(list.body).toMatchObject({ page: 1, direction: 'asc', orderBy: 'id' });
  });
});
