import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configCheck } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { startGatehouse, type RunningGatehouse } from '../../src/server/gatehouse.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * Two Gatehouse processes on one data directory (or the workers of one): a token revoked
 * through one is refused by the other within a second, not after a cache lifetime (docs/configuration.md).
 */
const upstream = new FakeUpstream();
let first: TestGatehouse;
let second: RunningGatehouse;

beforeAll(async () => {
  const url = await upstream.start();
  const regions = [{ slug: 'local', metrics: { url } }];
  first = await startTestGatehouse({ regions });
  second = await startGatehouse(
    configCheck(
      {
        listen: '127.0.0.1:0',
        internalListen: '127.0.0.1:0',
        dataDir: first.config.dataDir,
        printAdminToken: false,
        regions,
      },
      '',
    ),
    createLogger('silent'),
  );
});

afterAll(async () => {
  await second?.close();
  await first?.stop();
  await upstream.stop();
});

async function until(check: () => Promise<boolean>, ms: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Infinity;
}

describe('two processes on one data directory', () => {
  it('refuses a token on the second within a second of its deletion on the first', async () => {
    const stack = await first.api.createStack('shared');
    const promId = (await first.api.instance('shared')).hmInstancePromId;
    const { token, tokenId } = await first.api.grant({
      name: 'twice',
      scopes: ['metrics:read'],
      stackId: stack.id,
    });
    const ask = async () =>
      (
        await fetch(`${second.url}/api/prom/api/v1/query?query=up`, {
          headers: { authorization: basicAuth(promId, token) },
        })
      ).status;

    expect(await ask()).toBe(200);
    await first.api.ok('DELETE', `/api/v1/tokens/${tokenId}?region=local`);
    const waited = await until(async () => (await ask()) === 401, 2_000);

    expect(waited).toBeLessThan(1_000);
  });

  it('sees a stack created through the first', async () => {
    await first.api.createStack('later');
    const seen = await until(async () => {
      const answer = await fetch(`${second.url}/api/instances/later`, {
        headers: { authorization: `Bearer ${first.adminToken}` },
      });
      return answer.status === 200;
    }, 2_000);

    expect(seen).toBeLessThan(1_000);
  });
});
