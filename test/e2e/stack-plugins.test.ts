import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseError } from '../../src/errors/gatehouse-error.js';
import { GrafanaPluginClient } from '../../src/grafana/grafana-plugin-client.js';
import { startFakeGrafana, type FakeGrafana } from '../support/fake-grafana.js';
import { expectContract } from '../support/openapi-contract.js';
import {
  ApiClient,
  startTestGatehouse,
  type ApiAnswer,
  type TestGatehouse,
} from '../support/test-gatehouse.js';

const grafanaToken = 'glsa_FakeServiceAccountToken0123456789_abcdef01';

let gatehouse: TestGatehouse;
let grafana: FakeGrafana;
let stackId: number;
/** Every body Gatehouse answered in this file, to look for the Grafana token at the end. */
const answered: string[] = [];

/** A call through the admin token (or `client`) whose answer is kept for the leak check. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  client: ApiClient = gatehouse.api,
): Promise<ApiAnswer> {
  const answer = await client.call(method, path, body);
  answered.push(JSON.stringify(answer.body ?? null));
  return answer;
}

/** A call whose answer must be 200 and match the document's schema for the operation. */
async function ok(method: string, path: string, body?: unknown): Promise<any> {
  const answer = await call(method, path, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expectContract(method, path, 200, answer.body);
  return answer.body;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  grafana = await startFakeGrafana({ token: grafanaToken });
  gatehouse = await startTestGatehouse();
  const created = await ok('POST', '/api/instances', {
    name: 'Plugins',
    slug: 'plugs',
    url: grafana.url,
    grafanaToken,
  });
  stackId = created.id;
});

afterAll(async () => {
  await gatehouse?.stop();
  await grafana?.stop();
});

describe('a stack with its Grafana configured', () => {
  it('keeps the Grafana URL as the stack url and never echoes grafanaToken', async () => {
    const instance = await ok('GET', '/api/instances/plugs');
    const v1 = await call('GET', '/api/v1/stacks/plugs');

    expect(instance.url).toBe(grafana.url);
    expect(instance).not.toHaveProperty('grafanaToken');
    expect(instance).not.toHaveProperty('grafanaTokenSealed');
    expect(v1.body).not.toHaveProperty('grafanaToken');
  });

  it('installs, reads, updates, lists and removes a plugin (the Terraform sequence)', async () => {
    const base = '/api/instances/plugs/plugins';

    const installed = await ok('POST', base, { plugin: 'grafana-clock-panel', version: '2.1.3' });
    expect(installed).toMatchObject({
      instanceId: stackId,
      instanceSlug: 'plugs',
      instanceUrl: grafana.url,
      pluginSlug: 'grafana-clock-panel',
      pluginName: 'Clock',
      version: '2.1.3',
      latestVersion: '2.1.8',
      links: [{ rel: 'self', href: '/instances/plugs/plugins/grafana-clock-panel' }],
    });
    expect(installed.pluginId).toBeLessThan(16_777_216);
    expect(installed.createdAt).toBe('2024-05-02T00:00:00Z');

    const read = await ok('GET', `${base}/grafana-clock-panel`);
    expect(read).toEqual(installed);
    expect(await ok('GET', `${base}/${installed.pluginId}`)).toEqual(installed);

    const updated = await ok('POST', `${base}/grafana-clock-panel`, { version: '2.1.5' });
    expect(updated).toMatchObject({ id: installed.id, version: '2.1.5', latestVersion: '2.1.8' });
    expect(grafana.installed.get('grafana-clock-panel')).toBe('2.1.5');

    const list = await ok('GET', base);
    expect(list).toMatchObject({ orderBy: 'pluginSlug', direction: 'asc', total: 1, page: 1 });
    expect(list.items).toEqual([updated]);

    const removed = await ok('DELETE', `${base}/grafana-clock-panel`);
    expect(removed).toEqual(updated);
    expect((await call('GET', `${base}/grafana-clock-panel`)).status).toBe(404);
    expect((await call('DELETE', `${base}/grafana-clock-panel`)).body.code).toBe('NotFound');
  });

  it("calls Grafana's plugin API with the service-account token", () => {
    const paths = grafana.requests.map((request) => `${request.method} ${request.path}`);

    expect(paths).toContain('POST /api/plugins/grafana-clock-panel/install');
    expect(paths).toContain('GET /api/plugins/grafana-clock-panel/settings');
    expect(paths).toContain('POST /api/plugins/grafana-clock-panel/uninstall');
    const install = grafana.requests.find((request) => request.path.endsWith('/install'));
    expect(install?.body).toEqual({ version: '2.1.3' });
    const listing = grafana.requests.find((request) => request.path === '/api/plugins');
    expect(listing?.query.get('core')).toBe('0');
    expect(grafana.requests.every((r) => r.authorization === `Bearer ${grafanaToken}`)).toBe(true);
  });

  it('lists only installed plugins, never the core ones, in the requested order', async () => {
    await ok('POST', '/api/instances/plugs/plugins', { plugin: 'grafana-polystat-panel' });
    await ok('POST', '/api/instances/plugs/plugins', { plugin: 'marcusolsson-json-datasource' });

    const list = await ok('GET', '/api/instances/plugs/plugins?orderBy=pluginName&direction=desc');

    expect(list.items.map((item: { pluginName: string }) => item.pluginName)).toEqual([
      'Polystat',
      'JSON API',
    ]);
    expect(list).toMatchObject({ total: 2, pages: 1, orderBy: 'pluginName', direction: 'desc' });
  });

  it('installs the latest version when no version, or "latest", is given', async () => {
    const answer = await ok('POST', '/api/instances/plugs/plugins', {
      plugin: 'grafana-clock-panel',
      version: 'latest',
    });

    expect(answer.version).toBe('2.1.8');
    const install = grafana.requests.filter((request) => request.path.endsWith('/install')).at(-1);
    expect(install?.body).toEqual({});
  });

  it('changes nothing when an update asks for the installed version', async () => {
    const before = grafana.requests.length;
    const answer = await ok('POST', '/api/instances/plugs/plugins/grafana-clock-panel', {});

    expect(answer.version).toBe('2.1.8');
    expect(grafana.requests.slice(before).map((request) => request.path)).toEqual([
      '/api/plugins/grafana-clock-panel/settings',
    ]);
  });

  it("passes on Grafana's 409 when the same version is installed again", async () => {
    const again = await call('POST', '/api/instances/plugs/plugins', {
      plugin: 'grafana-clock-panel',
      version: '2.1.8',
    });

    expect(again.status).toBe(409);
    expectContract('POST', '/api/instances/plugs/plugins', 409, again.body);
    expect(again.body.message).toMatch(/refused to install plugin grafana-clock-panel.*409/);
    expect(again.body.message).toMatch(/Plugin already installed/);
  });

  it('answers 404 for a plugin or version the catalogue does not have', async () => {
    const unknown = await call('POST', '/api/instances/plugs/plugins', { plugin: 'no-such-panel' });
    const version = await call('POST', '/api/instances/plugs/plugins/grafana-polystat-panel', {
      version: '9.9.9',
    });

    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/no plugin no-such-panel .*Plugin not found/);
    expect(version.status).toBe(404);
    expect(version.body.message).toMatch(/Plugin version not found/);
  });

  it('answers 404 for a core plugin, which is not an installation', async () => {
    const answer = await call('GET', '/api/instances/plugs/plugins/prometheus');

    expect(answer.status).toBe(404);
    expect(answer.body.message).toBe('plugin prometheus is not installed on stack plugs');
  });

  it('refuses malformed bodies and queries with 409 before calling Grafana', async () => {
    const before = grafana.requests.length;
    const cases = [
      ['POST', '/api/instances/plugs/plugins', {}, /invalid plugin: expected a plugin id/],
      ['POST', '/api/instances/plugs/plugins', { plugin: '../x' }, /invalid plugin/],
      ['POST', '/api/instances/plugs/plugins', { plugin: 'a-panel', version: 'v 1' }, /version/],
      ['POST', '/api/instances/plugs/plugins', { plugin: 'a-panel', noRestart: 'y' }, /noRestart/],
      ['GET', '/api/instances/plugs/plugins?orderBy=version', undefined, /invalid orderBy/],
    ] as const;

    for (const [method, path, body, message] of cases) {
      const answer = await call(method, path, body);
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({
        code: 'Conflict',
        message: expect.stringMatching(message),
      });
    }
    expect(grafana.requests.length).toBe(before);
  });

  it('answers 404 for a stack that does not exist', async () => {
    const answer = await call('GET', '/api/instances/nosuchstack/plugins');

    expect(answer.status).toBe(404);
  });
});

describe('the Grafana token at rest', () => {
  it('is stored sealed and never as plain text in the SQLite files', async () => {
    const stack = await gatehouse.store.getStack('plugs');
    const files = ['gatehouse.db', 'gatehouse.db-wal', 'gatehouse.db-shm']
      .map((name) => join(gatehouse.config.dataDir, name))
      .filter((path) => existsSync(path));

    expect(stack?.grafanaTokenSealed).toMatch(/^gcm1:/);
    expect(stack?.grafanaTokenSealed).not.toContain(grafanaToken);
    expect(files.length).toBeGreaterThan(0);
    for (const path of files) {
      const bytes = readFileSync(path);
      expect(bytes.includes(Buffer.from(grafanaToken)), path).toBe(false);
      expect(bytes.includes(Buffer.from(grafanaToken, 'utf16le')), path).toBe(false);
    }
  });

  it('is sealed under <dataDir>/secret-box.key, created with mode 0600', () => {
    const path = join(gatehouse.config.dataDir, 'secret-box.key');

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toHaveLength(32);
  });

  it('refuses a grafanaToken that is not a token without echoing it', async () => {
    const secretish = 'glsa_with a space_0123456789';
    const answer = await call('POST', '/api/instances/plugs', { grafanaToken: secretish });
    const number = await call('POST', '/api/instances/plugs', { grafanaToken: 42 });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/invalid grafanaToken.*a string of 28 characters/);
    expect(answer.body.message).not.toContain('glsa_');
    expect(number.body.message).toMatch(/received number/);
  });
});

describe('a stack without its Grafana configured', () => {
  it('gets a 409 that names what to set and where', async () => {
    await ok('POST', '/api/instances', { name: 'Bare', slug: 'bare' });
    const answer = await call('GET', '/api/instances/bare/plugins');

    expect(answer.status).toBe(409);
    expectContract('GET', '/api/instances/bare/plugins', 409, answer.body);
    expect(answer.body.message).toBe(
      'stack bare has no url and no grafanaToken; set url (the Grafana root URL) and ' +
        'grafanaToken (a Grafana service account token) with POST /api/instances/bare',
    );
  });

  it('says which one of the two is missing', async () => {
    await ok('POST', '/api/instances/bare', { url: grafana.url });
    const answer = await call('POST', '/api/instances/bare/plugins', { plugin: 'a-panel' });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/^stack bare has no grafanaToken;/);
  });

  it('is back to a 409 once the token is cleared with null', async () => {
    await ok('POST', '/api/v1/stacks/plugs', { grafanaToken: null });
    const cleared = await call('GET', '/api/instances/plugs/plugins');
    await ok('POST', '/api/v1/stacks/plugs', { grafanaToken });
    const restored = await call('GET', '/api/instances/plugs/plugins');

    expect(cleared.status).toBe(409);
    expect(cleared.body.message).toMatch(/has no grafanaToken/);
    expect(restored.status).toBe(200);
  });
});

describe('authorization', () => {
  it('refuses a token without the stack-plugins scope with 403', async () => {
    const reader = await gatehouse.api.grant({
      name: 'stackreader',
      scopes: ['stacks:read'],
      orgId: 1,
    });
    const pluginReader = await gatehouse.api.grant({
      name: 'pluginreader',
      scopes: ['stack-plugins:read'],
      orgId: 1,
    });

    const list = await call('GET', '/api/instances/plugs/plugins', undefined, client(reader));
    const install = await call(
      'POST',
      '/api/instances/plugs/plugins',
      { plugin: 'grafana-clock-panel' },
      client(pluginReader),
    );
    const remove = await call(
      'DELETE',
      '/api/instances/plugs/plugins/grafana-clock-panel',
      undefined,
      client(pluginReader),
    );

    expect(list.status).toBe(403);
    expect(list.body).toMatchObject({ code: 'Forbidden' });
    expect(list.body.message).toMatch(/missing required scope \[stack-plugins:read\]/);
    expect(install.status).toBe(403);
    expect(remove.status).toBe(403);
    expect(remove.body.message).toMatch(/stack-plugins:delete/);
  });

  it('answers 404 to a stack-realm token of another stack, and Grafana is not called', async () => {
    const other = await gatehouse.api.createStack('elsewhere');
    const grant = await gatehouse.api.grant({
      name: 'elsewhereplugins',
      scopes: ['stack-plugins:read', 'stack-plugins:write', 'stack-plugins:delete'],
      stackId: other.id,
    });
    const before = grafana.requests.length;

    const list = await call('GET', '/api/instances/plugs/plugins', undefined, client(grant));
    const remove = await call(
      'DELETE',
      '/api/instances/plugs/plugins/grafana-clock-panel',
      undefined,
      client(grant),
    );

    expect(list.status).toBe(404);
    expect(list.body.message).toMatch(/stack plugs not found/);
    expect(remove.status).toBe(404);
    expect(grafana.requests.length).toBe(before);
    expect(grafana.installed.has('grafana-clock-panel')).toBe(true);
  });

  it("lets a stack-realm token manage its own stack's plugins", async () => {
    const grant = await gatehouse.api.grant({
      name: 'plugsplugins',
      scopes: ['stack-plugins:read'],
      stackId,
    });
    const list = await call('GET', '/api/instances/plugs/plugins', undefined, client(grant));

    expect(list.status).toBe(200);
  });
});

describe('when Grafana fails', () => {
  it('answers 503 with the reason when Grafana is unreachable, and keeps serving', async () => {
    const port = await closedPort();
    await ok('POST', '/api/instances', {
      name: 'Down',
      slug: 'down',
      url: `http://user:pw@127.0.0.1:${port}/grafana/`,
      grafanaToken,
    });

    const list = await call('GET', '/api/instances/down/plugins');
    const install = await call('POST', '/api/instances/down/plugins', { plugin: 'a-panel' });

    expect(list.status).toBe(503);
    expect(list.body).toMatchObject({ code: 'ServiceUnavailable' });
    expect(list.body.message).toBe(
      `the Grafana of stack down could not list its plugins: http://127.0.0.1:${port} ` +
        'is unreachable (ECONNREFUSED)',
    );
    expect(install.status).toBe(503);
    expectContract('POST', '/api/instances/down/plugins', 503, install.body);
    expect((await call('GET', '/api/instances/plugs/plugins')).status).toBe(200);
  });

  it('answers 503 with Grafana own message when Grafana answers 5xx', async () => {
    grafana.failWith(500, 'Failed to get list of plugins');
    const answer = await call('GET', '/api/instances/plugs/plugins');
    grafana.recover();

    expect(answer.status).toBe(503);
    expect(answer.body.message).toBe(
      'the Grafana of stack plugs could not list its plugins: it answered 500: ' +
        'Failed to get list of plugins',
    );
  });

  it('answers 409 naming grafanaToken when Grafana refuses the service-account token', async () => {
    await ok('POST', '/api/instances', {
      name: 'Wrong',
      slug: 'wrongtoken',
      url: grafana.url,
      grafanaToken: 'glsa_not_the_right_one',
    });
    const answer = await call('GET', '/api/instances/wrongtoken/plugins/grafana-clock-panel');

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/refused to read plugin grafana-clock-panel: 401/);
    expect(answer.body.message).toMatch(/grafanaToken was not accepted/);
  });

  it('gives up on a Grafana that does not answer within the timeout', async () => {
    const client = new GrafanaPluginClient({ readTimeoutMs: 200 });
    grafana.hang();
    const target = { slug: 'plugs', url: grafana.url, token: grafanaToken };

    const failure = await client.list(target).catch((error: unknown) => error);
    grafana.recover();
    await client.close();

    expect(failure).toBeInstanceOf(GatehouseError);
    expect((failure as GatehouseError).status).toBe(503);
    expect((failure as GatehouseError).message).toMatch(/did not answer within 200 ms/);
  });
});

describe('secrecy', () => {
  it('never showed the Grafana token in any answer of this file', () => {
    expect(answered.length).toBeGreaterThan(30);
    for (const body of answered) expect(body).not.toContain(grafanaToken);
    for (const body of answered) expect(body).not.toContain('glsa_not_the_right_one');
  });
});

function client(grant: { token: string }): ApiClient {
  return gatehouse.api.withToken(grant.token);
}
