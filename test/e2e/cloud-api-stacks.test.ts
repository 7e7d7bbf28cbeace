import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

let gatehouse: TestGatehouse;

beforeAll(async () => {
  gatehouse = await startTestGatehouse({
    regions: [{ slug: 'local' }, { slug: 'eu', name: 'Europe', provider: 'aws' }],
  });
});

afterAll(async () => {
  await gatehouse?.stop();
});

describe('stacks under /api/v1/stacks', () => {
  it('lists stacks in pages of StackV1 with total and pages', async () => {
    for (const slug of ['lista', 'listb', 'listc']) await gatehouse.api.createStack(slug);

    const first = await gatehouse.api.ok('GET', '/api/v1/stacks?org=local&page=1&pageSize=2');
    const second = await gatehouse.api.ok('GET', '/api/v1/stacks?org=local&page=2&pageSize=2');

    expect(first.total).toBeGreaterThanOrEqual(3);
    expect(first.pages).toBe(Math.ceil(first.total / 2));
    expect(first.items).toHaveLength(2);
    const ids = [...first.items, ...second.items].map((stack: { id: number }) => stack.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists nothing for another org', async () => {
    const other = await gatehouse.api.ok(
      'GET',
      '/api/v1/stacks?org=someoneelse&page=1&pageSize=10',
    );

    expect(other).toMatchObject({ items: [], total: 0 });
  });

  it('updates name, description, labels and slug by POST, leaving absent fields alone', async () => {
    const stack = await gatehouse.api.createStack('upd');
    const updated = await gatehouse.api.ok('POST', `/api/v1/stacks/${stack.id}`, {
      name: 'Renamed',
      description: 'team stack',
      labels: { team: 'a' },
      url: null,
    });
    const renamed = await gatehouse.api.ok('POST', '/api/v1/stacks/upd', { slug: 'updated' });

    expect(updated).toMatchObject({ name: 'Renamed', description: 'team stack', slug: 'upd' });
    expect(updated.labels).toEqual({ team: 'a' });
    expect(renamed).toMatchObject({ slug: 'updated', name: 'Renamed' });
    expect((await gatehouse.api.call('GET', '/api/v1/stacks/upd')).status).toBe(404);
  });

  it('refuses an update to a slug another stack has with 409', async () => {
    await gatehouse.api.createStack('taken');
    const mine = await gatehouse.api.createStack('mine');
    const answer = await gatehouse.api.call('POST', `/api/v1/stacks/${mine.id}`, { slug: 'taken' });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe('Grafana stack with the same slug already exists: taken');
  });

  it('refuses to move a stack to another region', async () => {
    const stack = await gatehouse.api.createStack('stay');
    const answer = await gatehouse.api.call('POST', `/api/v1/stacks/${stack.id}`, { region: 'eu' });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/region/);
  });

  it('gives instances the region id and name that /stack-regions lists', async () => {
    await gatehouse.api.ok('POST', '/api/v1/stacks', {
      name: 'In EU',
      slug: 'ineu',
      region: 'eu',
      deleteProtection: false,
    });
    const instance = await gatehouse.api.ok('GET', '/api/instances/ineu');
    const regions = await gatehouse.api.ok('GET', '/api/stack-regions');
    const eu = regions.items.find((r: { slug: string }) => r.slug === 'eu');

    expect(instance).toMatchObject({ regionId: eu.id, regionPublicName: eu.publicName });
  });

  it('keeps a delete-protected stack until protection is turned off', async () => {
    const stack = await gatehouse.api.ok('POST', '/api/v1/stacks', {
      name: 'prot',
      slug: 'prot',
      region: 'local',
      org: 'local',
    });
    const refused = await gatehouse.api.call('DELETE', `/api/v1/stacks/${stack.id}`);
    await gatehouse.api.ok('POST', `/api/v1/stacks/${stack.id}`, { deleteProtection: false });
    const deleted = await gatehouse.api.call('DELETE', `/api/v1/stacks/${stack.id}`);

    expect(stack.deleteProtection).toBe(true);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/deleteProtection/);
    expect(deleted.status).toBe(200);
    expect((await gatehouse.api.call('GET', `/api/v1/stacks/${stack.id}`)).status).toBe(404);
  });

  it('shows connections with one tenant per service, ids being the basic-auth users', async () => {
    const stack = await gatehouse.api.createStack('conn');
    const instance = await gatehouse.api.instance('conn');
    const connections = await gatehouse.api.ok('GET', `/api/v1/stacks/${stack.id}/connections`);

    const prometheus = connections.tenants.find((t: { type: string }) => t.type === 'prometheus');
    expect(prometheus).toEqual({
      type: 'prometheus',
      id: instance.hmInstancePromId,
      url: gatehouse.url,
    });
    expect(connections.otlp).toEqual({ url: `${gatehouse.url}/otlp`, multiAZ: false });
  });

  it('reports a stack ready as soon as it exists', async () => {
    const stack = await gatehouse.api.createStack('ready');

    expect(await gatehouse.api.ok('GET', `/api/v1/stacks/${stack.id}/readiness`)).toEqual({
      ready: true,
    });
  });

  it('refuses an unknown region naming the configured ones', async () => {
    const answer = await gatehouse.api.call('POST', '/api/v1/stacks', {
      name: 'r',
      slug: 'nowhere',
      region: 'mars',
    });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/region.*local, eu/);
  });
});

describe('the stored Grafana token', () => {
  it('regression: is dropped when url changes without a new token, never sent to the new URL', async () => {
    await gatehouse.api.ok('POST', '/api/v1/stacks', {
      name: 'graf',
      slug: 'graf',
      region: 'local',
      url: 'http://127.0.0.1:9/grafana',
      grafanaToken: 'glsa_example',
      deleteProtection: false,
    });
    const before = await gatehouse.api.call('GET', '/api/instances/graf/plugins');
    await gatehouse.api.ok('POST', '/api/v1/stacks/graf', { url: 'http://127.0.0.1:9/elsewhere' });
    const after = await gatehouse.api.call('GET', '/api/instances/graf/plugins');

    expect(before.status).toBe(503);
    expect(after.status).toBe(409);
    expect(after.body.message).toMatch(/grafanaToken/);
  });
});

describe('stacks under /api/instances', () => {
  it('creates through the legacy path with deleteProtection off by default', async () => {
    const created = await gatehouse.api.ok('POST', '/api/instances', {
      name: 'Legacy',
      slug: 'legacy',
    });

    expect(created).toMatchObject({ slug: 'legacy', regionSlug: 'local', deleteProtection: false });
    expect(created.hmInstancePromId).toBeGreaterThan(0);
  });

  it('filters the list by slug, region and labels and orders it', async () => {
    await gatehouse.api.ok('POST', '/api/v1/stacks', {
      name: 'EU one',
      slug: 'euone',
      region: 'eu',
      labels: { env: 'prod' },
      deleteProtection: false,
    });

    const bySlug = await gatehouse.api.ok('GET', '/api/instances?slug=euone');
    const byRegion = await gatehouse.api.ok('GET', '/api/instances?regionIn=eu');
    const byLabel = await gatehouse.api.ok('GET', '/api/instances?labels=env:prod');
    const sorted = await gatehouse.api.ok('GET', '/api/instances?orderBy=name&direction=desc');

    expect(bySlug.items.map((s: { slug: string }) => s.slug)).toEqual(['euone']);
    expect(byRegion.items.every((s: { regionSlug: string }) => s.regionSlug === 'eu')).toBe(true);
    expect(byLabel.items.map((s: { slug: string }) => s.slug)).toEqual(['euone']);
    const names = sorted.items.map((s: { name: string }) => s.name);
    expect(names).toEqual([...names].sort().reverse());
    expect(sorted).toMatchObject({ orderBy: 'name', direction: 'desc', page: 1 });
  });

  it('deletes and answers the instance with status deleted', async () => {
    await gatehouse.api.createStack('gone');
    const deleted = await gatehouse.api.ok('DELETE', '/api/instances/gone');

    expect(deleted.status).toBe('deleted');
    expect((await gatehouse.api.call('GET', '/api/instances/gone')).status).toBe(404);
  });

  it('shows connections and readiness under the instance path too', async () => {
    const stack = await gatehouse.api.createStack('legconn');
    const connections = await gatehouse.api.ok('GET', `/api/instances/${stack.id}/connections`);

    expect(connections.otlpHttpUrl).toBe(`${gatehouse.url}/otlp`);
    expect(connections.privateConnectivityInfo.tenants.length).toBe(6);
    expect(await gatehouse.api.ok('GET', '/api/instances/legconn/readiness')).toEqual({
      ready: true,
    });
  });

  it('creates in the first region when a legacy client sends an empty region', async () => {
    const created = await gatehouse.api.ok('POST', '/api/instances', {
      name: 'Empty region',
      slug: 'emptyregion',
      region: '',
    });

    expect(created.regionSlug).toBe('local');
  });

  it('lists the org instances and answers 404 for another org', async () => {
    const mine = await gatehouse.api.ok('GET', '/api/orgs/local/instances');
    const other = await gatehouse.api.call('GET', '/api/orgs/nobody/instances');

    expect(mine.total).toBeGreaterThan(0);
    expect(other.status).toBe(404);
  });
});

describe('org, regions and the scope catalogue', () => {
  it('shows the org by slug and by id', async () => {
    const bySlug = await gatehouse.api.ok('GET', '/api/orgs/local');
    const byId = await gatehouse.api.ok('GET', `/api/orgs/${bySlug.id}`);

    expect(byId).toMatchObject({ slug: 'local', name: 'Local', id: bySlug.id });
    expect(byId.createdAt).toMatch(/Z$/);
  });

  it('lists the configured regions with their slugs', async () => {
    const regions = await gatehouse.api.ok('GET', '/api/stack-regions');

    expect(regions.items.map((r: { slug: string }) => r.slug)).toEqual(['local', 'eu']);
    expect(regions.items[1]).toMatchObject({ publicName: 'Europe', provider: 'aws' });
  });

  it('publishes the scopes, the scope sets and the realms the caller may use', async () => {
    const config = await gatehouse.api.ok('GET', '/api/v1/accesspolicies/config?region=local');

    expect(config.scopes.map((s: { name: string }) => s.name)).toContain('metrics:read');
    expect(config.sets).toContainEqual({ name: 'set:alloy-data-write', scopes: expect.any(Array) });
    expect(config.realms[0]).toMatchObject({ type: 'org' });
  });

  it('refuses the org to a token without orgs:read', async () => {
    const stack = await gatehouse.api.createStack('noorg');
    const { token } = await gatehouse.api.grant({
      name: 'no-orgs',
      scopes: ['metrics:read'],
      stackId: stack.id,
    });

    expect((await gatehouse.api.withToken(token).call('GET', '/api/orgs/local')).status).toBe(403);
  });
});
