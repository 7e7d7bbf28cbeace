/** What the fake sends back: status, content type and body. */
export interface LokiAnswer {
  status: number;
  type: string;
  body: string;
}

/** A caller fault: answered 400 with the message as plain text, as Loki's handlers do. */
export class BadRequest extends Error {}

export function json(status: number, body: unknown): LokiAnswer {
  return { status, type: 'application/json', body: JSON.stringify(body) };
}

export function text(status: number, message: string): LokiAnswer {
  return { status, type: 'text/plain; charset=utf-8', body: `${message}\n` };
}

/** 204 with no body (and so no content type). */
export function noContent(): LokiAnswer {
  return { status: 204, type: '', body: '' };
}

export function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
