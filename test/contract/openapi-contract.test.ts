import { describeContract } from '../support/openapi-contract.js';
import { describe, expect, it } from 'vitest';
import {
  contractFor,
  contractLocation,
  contractLocations,
  contractOperations,
  expectContract,
  expectSchema,
} from '../support/openapi-contract.js';

const token = {
  id: 'c45485b6-8321-4cf2-bcec-12006df755ff',
  orgId: '1',
  accessPolicyId: 'c45485b6-8321-4cf2-bcec-12006df755ff',
  name: 'reader',
  displayName: 'Reader',
  createdAt: '2025-01-01T00:00:00.000Z',
};

const policy = {
  name: 'readers',
  scopes: ['metrics:read'],
  realms: [{ type: 'org', identifier: '1', labelPolicies: [] }],
};

describeContract('loading the document', () => {
  it('reads shared/ beside the repo, else a copy in test/contract', () => {
    expect(contractLocations).toContain(contractLocation());
  });
});

describeContract('finding the operation', () => {
  it('maps a wire path with its /api base and query string to the operation', () => {
    expect(contractFor('GET', '/api/v1/tokens/abc?region=local').operationId).toBe('getToken');
  });

  it('maps a document template too', () => {
    expect(contractFor('post', '/v1/accesspolicies/{id}').operationId).toBe('postAccessPolicy');
  });

  it('prefers a literal segment to a parameter', () => {
    expect(contractFor('GET', '/api/v1/accesspolicies/config').operationId).toBe('getConfig');
    expect(contractFor('POST', '/api/v1/stacks/checkUrl').operationId).toBe('checkStackSlugV1');
  });

  it('says when the document has no such operation', () => {
    expect(() => contractFor('PUT', '/api/v1/tokens/abc')).toThrow(/no operation for PUT/);
  });
});

describeContract('checking an answer', () => {
  it('accepts a body that matches the schema of its status', () => {
    const match = expectContract('GET', '/api/v1/tokens/abc', 200, token);

    expect(match?.responseKey).toBe('200');
  });

  it('lists every violation with its instance path', () => {
    const body = { ...token, orgId: 1, expiresAt: 'soon', accessPolicyId: undefined };
    const check = () => expectContract('GET', '/api/v1/tokens/abc', 200, body);

    expect(check).toThrow(/getToken .* response 200 \(#\/components\/schemas\/AuthToken\)/);
    expect(check).toThrow(/\(root\): must have required property 'accessPolicyId'/);
    expect(check).toThrow(/\/expiresAt: must match format "date-time", received "soon"/);
    expect(check).toThrow(/\/orgId: must be string, received 1/);
  });

  it('says when the status is not documented for the operation', () => {
    expect(() => expectContract('GET', '/api/v1/tokens/abc', 400, {})).toThrow(
      /status 400 is not documented for getToken .* documented: 200, 401, 403, 404, 409/,
    );
  });

  it('uses the default response where the operation has one', () => {
    const body = { code: 'NotFound', message: 'no stack', statusCode: 404, requestId: 'r1' };

    expect(expectContract('GET', '/api/v1/stacks/x', 404, body)?.responseKey).toBe('default');
    expect(() => expectContract('GET', '/api/v1/stacks/x', 404, { code: 'NotFound' })).toThrow(
      /ErrorPayload[\s\S]*required property 'statusCode'/,
    );
  });

  it('refuses an empty body where the document describes one', () => {
    expect(() => expectContract('GET', '/api/v1/tokens/abc', 200, undefined)).toThrow(/empty/);
  });

  it('accepts any body where the document describes none', () => {
    expect(() => expectContract('DELETE', '/api/v1/accesspolicies/x', 200, {})).not.toThrow();
  });

  it('checks error bodies against their code enum', () => {
    expect(() => expectContract('GET', '/api/v1/tokens/x', 404, { code: 'Gone' })).toThrow(
      /\/code: must be equal to one of the allowed values \["NotFound"\]/,
    );
  });
});

describeContract('OpenAPI 3.0 features', () => {
  it.each([
    ['an IPv4 CIDR', '10.0.0.0/8', true],
    ['an IPv6 CIDR', '2001:db8::/32', true],
    ['a bare address', '10.0.0.1', false],
    ['a prefix too long', '10.0.0.0/33', false],
  ])('checks allowedSubnets formats: %s', (_name, subnet, valid) => {
    const body = { ...policy, conditions: { allowedSubnets: [subnet] } };
    const check = () => expectContract('GET', '/api/v1/accesspolicies/x', 200, body);

    if (valid) expect(check).not.toThrow();
    else expect(check).toThrow(/allowedSubnets\/0/);
  });

  it('accepts null where a property is nullable', () => {
    const list = { items: [], metadata: { pagination: { pageSize: 1, pageCursor: null } } };

    expect(() => expectContract('GET', '/api/v1/tokens', 200, list)).not.toThrow();
  });

  it('checks a named schema on its own', () => {
    expect(() => expectSchema('AuthToken', token)).not.toThrow();
    expect(() => expectSchema('AuthToken', { name: 1 }, 'items[0]')).toThrow(
      /items\[0\] does not match AuthToken[\s\S]*\/name: must be string/,
    );
  });

  it('compiles the response schema of every documented operation', () => {
    const compiled = contractOperations().flatMap((operation) =>
      Object.keys(operation.responses).map((key) => {
        const status = key === 'default' ? 599 : Number(key);
        try {
          expectContract(operation.method, operation.template, status, null);
        } catch (error) {
          // A schema that compiled and refused `null` is fine; anything else is not.
          expect((error as Error).message).toMatch(/does not match|empty body/);
        }
        return `${operation.operationId} ${key}`;
      }),
    );

    expect(compiled.length).toBeGreaterThan(200);
  });
});
