import { GatehouseError } from '../errors/gatehouse-error.js';
import type { ErrorFormat, Route } from './route.js';

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  paramNames: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * The one explicit table of what Gatehouse serves (docs/enforcement.md). Patterns are literal paths with
 * `:name` segments; the first pattern that matches wins, so literal paths go before `:id` ones.
 */
export class RouteTable {
  readonly #routes: CompiledRoute[] = [];

  add(routes: readonly Route[]): this {
    for (const route of routes) this.#routes.push(compile(route));
    return this;
  }

  /** Throws ROUTE_NOT_FOUND / METHOD_NOT_ALLOWED with the format of the closest route. */
  match(method: string, path: string): RouteMatch {
    const candidates = this.#routes.filter((entry) => entry.regex.test(path));
    const hit = candidates.find((entry) => entry.route.methods.includes(method));

    if (hit) return { route: hit.route, params: paramsOf(hit, path) };
    if (candidates.length === 0)
      throw new GatehouseError('ROUTE_NOT_FOUND', { method, path: clip(path) });

    const allowed = [...new Set(candidates.flatMap((entry) => entry.route.methods))].join(', ');
    throw new GatehouseError('METHOD_NOT_ALLOWED', { method, path: clip(path), allowed });
  }

  /** The error format for a path no route took, guessed from its prefix. */
  formatFor(path: string): ErrorFormat {
    if (path === '/api/prom/push' || path === '/api/v1/push') return 'text';
    if (path.startsWith('/api/prom/') || path.startsWith('/prometheus/')) return 'prometheus';
    if (path.startsWith('/loki/') || path.startsWith('/otlp/')) return 'text';
    return 'cloud';
  }

  list(): readonly Route[] {
    return this.#routes.map((entry) => entry.route);
  }
}

function compile(route: Route): CompiledRoute {
  const paramNames: string[] = [];
  const source = route.pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

      paramNames.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');

  return { route, regex: new RegExp(`^${source}$`), paramNames };
}

function paramsOf(entry: CompiledRoute, path: string): Record<string, string> {
  const values = entry.regex.exec(path)?.slice(1) ?? [];
  return Object.fromEntries(
    entry.paramNames.map((name, index) => [name, safeDecode(values[index] ?? '')]),
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function clip(path: string): string {
  return path.length > 200 ? `${path.slice(0, 200)}...` : path;
}
