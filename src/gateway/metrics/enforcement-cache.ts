import type { Selector } from '../../model/label-matcher.js';
import { enforceQuery, type EnforcedQuery } from '../../query/promql/enforce-query.js';

const maxQueriesPerScope = 2_000;
/** Longer queries are rewritten every time: 2,000 of them would hold too much memory. */
const maxCachedQueryLength = 4_096;

/**
 * Dashboards send the same queries again and again: the rewrite of a query under a scope is
 * kept, keyed by the scope's identity. Scopes come from a compiled policy, which is replaced when
 * the policy changes, so a changed policy never meets an old rewrite (and old ones are collected).
 * Parse failures are not cached: they throw before anything is stored.
 */
export class EnforcementCache {
  readonly #byScope = new WeakMap<readonly Selector[], Map<string, EnforcedQuery>>();

  enforce(query: string, scope: readonly Selector[]): EnforcedQuery {
    let queries = this.#byScope.get(scope);
    if (!queries) {
      queries = new Map();
      this.#byScope.set(scope, queries);
    }

    const hit = queries.get(query);
    if (hit) return refresh(queries, query, hit);

    const enforced = enforceQuery(query, scope);
    if (query.length > maxCachedQueryLength) return enforced;
    if (queries.size >= maxQueriesPerScope) queries.delete(queries.keys().next().value as string);
    queries.set(query, enforced);
    return enforced;
  }
}

/** Least recently used goes first: a Map keeps insertion order, so re-insert on every hit. */
function refresh(
  queries: Map<string, EnforcedQuery>,
  query: string,
  hit: EnforcedQuery,
): EnforcedQuery {
  queries.delete(query);
  queries.set(query, hit);
  return hit;
}
