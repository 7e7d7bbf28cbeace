import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestGatehouse,
  type ApiClient,
  type TestGatehouse,
} from '../support/test-gatehouse.js';

/** Management scopes and realms: a stack-realm token manages its own stack and nothing else. */
let gatehouse: TestGatehouse;
let mine: { id: number; slug: string };
let theirs: { id: number; slug: string };
let teamAdmin: ApiClient;
let theirPolicyId: string;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  mine = await gatehouse.api.createStack('mine');
  theirs = await gatehouse.api.createStack('theirs');
  const { token } = await gatehouse.api.grant({
    name: 'team-admin',
    scopes: [
      'accesspolicies:read',
      'accesspolicies:write',
      'accesspolicies:delete',
      'stacks:read',
      'stacks:write',
    ],
    stackId: mine.id,
  });
  teamAdmin = gatehouse.api.withToken(token);
  theirPolicyId = (
    await gatehouse.api.grant({
      name: 'their-reader',
      scopes: ['metrics:read'],
      stackId: theirs.id,
    })
  ).policyId;
});

afterAll(async () => {
  await gatehouse?.stop();
});

describe('a token whose realm is one stack', () => {
  it('lists only the stacks and policies its realm covers', async () => {
    const stacks = await teamAdmin.ok('GET', '/api/instances');
    const policies = await teamAdmin.ok('GET', '/api/v1/accesspolicies?region=local');

    expect(stacks.items.map((s: { slug: string }) => s.slug)).toEqual(['mine']);
    expect(policies.items.map((p: { name: string }) => p.name)).toEqual(['team-admin']);
  });

  it('sees another stack and its policies as absent (404): cannot read, change or delete them', async () => {
    expect((await teamAdmin.call('GET', `/api/instances/${theirs.slug}`)).status).toBe(404);
    expect(
      (await teamAdmin.call('POST', `/api/v1/stacks/${theirs.id}`, { name: 'x' })).status,
    ).toBe(404);
    expect(
      (await teamAdmin.call('GET', `/api/v1/accesspolicies/${theirPolicyId}?region=local`)).status,
    ).toBe(404);
    expect(
      (await teamAdmin.call('DELETE', `/api/v1/accesspolicies/${theirPolicyId}?region=local`))
        .status,
    ).toBe(404);
  });

  it('cannot create a policy on another stack or on the org', async () => {
    const onTheirs = await teamAdmin.call('POST', '/api/v1/accesspolicies?region=local', {
      name: 'grab',
      scopes: ['metrics:read'],
      realms: [{ type: 'stack', identifier: String(theirs.id) }],
    });
    const onOrg = await teamAdmin.call('POST', '/api/v1/accesspolicies?region=local', {
      name: 'grab-org',
      scopes: ['metrics:read'],
      realms: [{ type: 'org', identifier: '1' }],
    });

    expect(onTheirs.status).toBe(403);
    expect(onOrg.status).toBe(403);
  });

  it('cannot create stacks, which needs an org realm', async () => {
    const answer = await teamAdmin.call('POST', '/api/v1/stacks', {
      name: 'new',
      slug: 'newstack',
      region: 'local',
    });

    expect(answer.status).toBe(403);
  });

  it('manages policies of its own stack', async () => {
    const created = await teamAdmin.call('POST', '/api/v1/accesspolicies?region=local', {
      name: 'mine-reader',
      scopes: ['metrics:read'],
      realms: [{ type: 'stack', identifier: String(mine.id) }],
    });

    expect(created.status).toBe(200);
  });
});
