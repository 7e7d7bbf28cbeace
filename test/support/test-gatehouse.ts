import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configCheck, type Config } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { startGatehouse, type RunningGatehouse } from '../../src/server/gatehouse.js';

export interface TestGatehouse extends RunningGatehouse {
  adminToken: string;
  config: Config;
  api: ApiClient;
  stop(): Promise<void>;
}

/** Gatehouse in this process, on free 127.0.0.1 ports, with a throw-away data directory. */
export async function startTestGatehouse(
  overrides: Record<string, unknown> = {},
): Promise<TestGatehouse> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const config = configCheck(
    {
      listen: '127.0.0.1:0',
      internalListen: '127.0.0.1:0',
      dataDir,
      printAdminToken: false,
      ...overrides,
      // Tests make many management calls; the rate limit has its own test.
      limits: { accessPolicyRequestsPerHour: 0, ...(overrides.limits as object | undefined) },
    },
    '',
  );
  const running = await startGatehouse(
    config,
    createLogger(process.env.GATEHOUSE_TEST_LOG ?? 'silent'),
  );
  if (!running.adminToken) throw new Error('a fresh data dir must yield an admin token');

  const stop = async (): Promise<void> => {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  };

  return {
    ...running,
    adminToken: running.adminToken,
    config,
    api: new ApiClient(running.url, running.adminToken),
    stop,
  };
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small Grafana Cloud API client for tests: bearer token, JSON in and out. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  withToken(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();

    return {
      status: response.status,
      body: text === '' ? undefined : JSON.parse(text),
      headers: response.headers,
    };
  }

  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.call<T>(method, path, body);
    if (answer.status !== 200)
      throw new Error(`${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  createStack(slug: string, region = 'local'): Promise<{ id: number; slug: string }> {
    return this.ok('POST', '/api/v1/stacks', { name: slug, slug, region, deleteProtection: false });
  }

  instance(slug: string): Promise<{ id: number; hmInstancePromId: number; hlInstanceId: number }> {
    return this.ok('GET', `/api/instances/${slug}`);
  }

  createPolicy(
    body: Record<string, unknown>,
    region = 'local',
  ): Promise<{ id: string; name: string }> {
    return this.ok('POST', `/api/v1/accesspolicies?region=${region}`, body);
  }

  async createToken(
    policyId: string,
    name: string,
    extra: Record<string, unknown> = {},
    region = 'local',
  ) {
    return this.ok<{ id: string; token: string }>('POST', `/api/v1/tokens?region=${region}`, {
      accessPolicyId: policyId,
      name,
      ...extra,
    });
  }

  /** A policy with the given scopes on one stack (optionally label-restricted) and its token. */
  async grant(options: {
    name: string;
    scopes: string[];
    stackId?: number;
    orgId?: number;
    selectors?: string[];
    conditions?: unknown;
  }): Promise<{ policyId: string; token: string; tokenId: string }> {
    const realm =
      options.stackId !== undefined
        ? { type: 'stack', identifier: String(options.stackId) }
        : { type: 'org', identifier: String(options.orgId) };
    const labelPolicies = (options.selectors ?? []).map((selector) => ({ selector }));
    const policy = await this.createPolicy({
      name: options.name,
      scopes: options.scopes,
      realms: [{ ...realm, labelPolicies }],
      ...(options.conditions === undefined ? {} : { conditions: options.conditions }),
    });
    const token = await this.createToken(policy.id, `${options.name}-token`);

    return { policyId: policy.id, token: token.token, tokenId: token.id };
  }
}

export function basicAuth(user: number | string, token: string): string {
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}
