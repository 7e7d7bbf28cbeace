import { GatehouseError } from '../../errors/gatehouse-error.js';
import type { Route } from '../../http/route.js';
import { authorizeData } from '../data-access.js';
import {
  metricsReadHandler,
  type MetricsReadDeps,
  type ReadEndpoint,
} from './metrics-read-handler.js';
import { metricsWriteHandler } from './metrics-write-handler.js';

/** Grafana Cloud's query prefix and Mimir's native one; both lead to the same backend API. */
const readPrefixes = ['/api/prom/api/v1', '/prometheus/api/v1'] as const;

/** The metrics read API: path below the prefix → how it is enforced (docs/enforcement.md, §4). */
const readEndpoints: [string, ReadEndpoint][] = [
  ['query', { upstreamPath: '/api/v1/query', kind: 'query', upstreamMethod: 'POST' }],
  ['query_range', { upstreamPath: '/api/v1/query_range', kind: 'query', upstreamMethod: 'POST' }],
  [
    'query_exemplars',
    { upstreamPath: '/api/v1/query_exemplars', kind: 'exemplars', upstreamMethod: 'POST' },
  ],
  ['series', { upstreamPath: '/api/v1/series', kind: 'match', upstreamMethod: 'POST' }],
  ['labels', { upstreamPath: '/api/v1/labels', kind: 'match', upstreamMethod: 'POST' }],
  [
    'label/:name/values',
    { upstreamPath: '/api/v1/label/:name/values', kind: 'match', upstreamMethod: 'GET' },
  ],
  ['metadata', { upstreamPath: '/api/v1/metadata', kind: 'metadata', upstreamMethod: 'GET' }],
  [
    'status/buildinfo',
    { upstreamPath: '/api/v1/status/buildinfo', kind: 'passthrough', upstreamMethod: 'GET' },
  ],
];

export function metricsRoutes(deps: MetricsReadDeps): Route[] {
  const reads = readPrefixes.flatMap((prefix) =>
    readEndpoints.map(([path, endpoint]): Route => ({
      name: `metrics.${path.replace('/:name/values', '_values').replace('/', '_')}`,
      pattern: `${prefix}/${path}`,
      methods: ['GET', 'POST'],
      errorFormat: 'prometheus',
      handler: metricsReadHandler(deps, endpoint),
    })),
  );

  const writes = ['/api/prom/push', '/api/v1/push'].map((pattern): Route => ({
    name: 'metrics.push',
    pattern,
    methods: ['POST'],
    errorFormat: 'text',
    handler: metricsWriteHandler(deps),
  }));

  return [...reads, ...writes, ...unsupportedReads(deps)];
}

/**
 * Remote read needs its protobuf queries rewritten; until then it is refused after
 * authorization rather than passed through unenforced.
 */
function unsupportedReads(deps: MetricsReadDeps): Route[] {
  return readPrefixes.map((prefix) => ({
    name: 'metrics.remote_read',
    pattern: `${prefix}/read`,
    methods: ['POST'],
    errorFormat: 'prometheus' as const,
    handler: async (context) => {
      await authorizeData(deps.authorizer, context, 'metrics', 'metrics:read');
      throw new GatehouseError('FEATURE_UNSUPPORTED', {
        feature: 'Prometheus remote read',
        reason: 'label policies cannot be enforced on it yet; use the query API',
      });
    },
  }));
}
