import { expect } from 'vitest';
import { contractFor, expectContract } from '../support/openapi-contract.js';
import type { ApiAnswer, ApiClient } from '../support/test-gatehouse.js';

/**
 * Calls a running Gatehouse and holds each answer to the contract: the named operation takes the
 * request, the status is the expected one and documented, and the body matches its schema.
 */
export class ContractProbe {
  constructor(readonly api: ApiClient) {}

  withToken(token: string): ContractProbe {
    return new ContractProbe(this.api.withToken(token));
  }

  /** A JSON request (or none); returns the checked answer body. */
  async expect(
    operationId: string,
    status: number,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> {
    return expectAnswer(operationId, status, method, path, await this.api.call(method, path, body));
  }

  /** A request whose body is sent as given, not as JSON. */
  async expectRaw(
    operationId: string,
    status: number,
    method: string,
    path: string,
    text: string,
  ): Promise<any> {
    const response = await fetch(this.api.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.api.token}`, 'content-type': 'text/plain' },
      body: text,
    });
    const reply = await response.text();
    const answer = {
      status: response.status,
      body: reply === '' ? undefined : JSON.parse(reply),
      headers: response.headers,
    };

    return expectAnswer(operationId, status, method, path, answer);
  }
}

function expectAnswer(
  operationId: string,
  status: number,
  method: string,
  path: string,
  answer: ApiAnswer,
): any {
  expect(contractFor(method, path).operationId).toBe(operationId);
  expect(answer.status, JSON.stringify(answer.body)?.slice(0, 300)).toBe(status);

  expectContract(method, path, answer.status, answer.body);
  return answer.body;
}

/** Neither 401 nor 403 depends on the body; POST gets an empty object so none is malformed. */
export function emptyBodyFor(method: string): Record<string, never> | undefined {
  return method === 'POST' ? {} : undefined;
}
