import { failure, usageError } from './cli-error.js';

export const defaultUrl = 'http://127.0.0.1:8080';
const timeoutMs = 30_000;
const urlHint = 'is it running there? GATEHOUSE_URL sets the address';

export type Query = Record<string, string | string[] | undefined>;

/**
 * The management API as the CLI sees it: `Authorization: Bearer <GATEHOUSE_TOKEN>`, JSON in and
 * out. Refusals become `<status> <code>: <message>` from the Cloud error shape the API answers.
 */
export class ApiClient {
  readonly #baseUrl: URL;
  readonly #token: string | undefined;

  constructor(baseUrl: string, token: string | undefined) {
    this.#baseUrl = parseBaseUrl(baseUrl);
    this.#token = token;
  }

  static fromEnv(env: NodeJS.ProcessEnv): ApiClient {
    return new ApiClient(env.GATEHOUSE_URL || defaultUrl, env.GATEHOUSE_TOKEN || undefined);
  }

  get(path: string, query: Query = {}): Promise<unknown> {
    return this.call('GET', path, query);
  }

  post(path: string, query: Query, body: unknown): Promise<unknown> {
    return this.call('POST', path, query, body);
  }

  delete(path: string, query: Query = {}): Promise<unknown> {
    return this.call('DELETE', path, query);
  }

  async call(method: string, path: string, query: Query, body?: unknown): Promise<unknown> {
    if (this.#token === undefined)
      throw usageError('GATEHOUSE_TOKEN is not set: export a glc_ token with management scopes');

    const url = this.#url(path, query);
    const response = await this.#fetch(url, method, body);
    const text = await response.text();
    if (!response.ok) throw apiFailure(response, text);

    return text === '' ? {} : parseJson(text, url);
  }

  #url(path: string, query: Query): URL {
    const url = new URL(this.#baseUrl.pathname.replace(/\/$/, '') + path, this.#baseUrl);
    for (const [name, value] of Object.entries(query)) {
      for (const item of [value ?? []].flat()) url.searchParams.append(name, item);
    }

    return url;
  }

  async #fetch(url: URL, method: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';

    try {
      return await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw unreachable(this.#baseUrl, error);
    }
  }
}

function parseBaseUrl(raw: string): URL {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below with the value that was given
  }

  throw usageError(`GATEHOUSE_URL must be an http(s) URL such as ${defaultUrl}, received "${raw}"`);
}

/** The Cloud error envelope `{code, message}`; anything else is shown as the start of its text. */
function apiFailure(response: Response, text: string): Error {
  const envelope = tryJson(text) as { code?: unknown; message?: unknown } | undefined;
  const code = typeof envelope?.code === 'string' ? envelope.code : response.statusText || 'Error';
  const message =
    typeof envelope?.message === 'string' ? envelope.message : text.trim().slice(0, 200);

  return failure(`${response.status} ${code}: ${message || '(empty answer)'}`);
}

function unreachable(baseUrl: URL, error: unknown): Error {
  const origin = baseUrl.href.replace(/\/$/, '');
  if (error instanceof Error && error.name === 'TimeoutError')
    return failure(`no answer from Gatehouse at ${origin} within ${timeoutMs / 1000} s`);

  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED')
    return failure(`cannot connect to Gatehouse at ${origin}: connection refused (${urlHint})`);

  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return failure(`cannot reach Gatehouse at ${origin}: ${reason}`);
}

function parseJson(text: string, url: URL): unknown {
  const value = tryJson(text);
  if (value === undefined) throw failure(`${url.pathname} answered with something other than JSON`);

  return value;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
