import type { Route } from '../http/route.js';

/** One management API route: a single method, answering errors in the Cloud shape. */
export function apiRoute(
  name: string,
  pattern: string,
  method: string,
  handler: Route['handler'],
): Route {
  return { name: `api.${name}`, pattern, methods: [method], errorFormat: 'cloud', handler };
}
