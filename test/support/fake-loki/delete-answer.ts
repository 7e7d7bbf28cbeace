import { parseLogQuery } from './log-query.js';
import { json, noContent, text, type LokiAnswer } from './loki-answer.js';
import type { LokiRequest } from './loki-request.js';

/** A log deletion request as Loki's compactor lists it. */
export interface DeleteRequest {
  request_id: string;
  start_time: number;
  end_time: number;
  query: string;
  status: string;
  created_at: number;
}

/**
 * The delete API: GET lists, DELETE cancels, anything else adds to `deletes`. Loki's compactor
 * reads delete parameters from the URL query only (r.URL.Query()).
 */
export function deleteAnswer(request: LokiRequest, deletes: DeleteRequest[]): LokiAnswer {
  const params = request.url.searchParams;
  if (request.method === 'GET') return json(200, deletes);
  if (request.method === 'DELETE') return cancel(params, deletes);

  const query = params.get('query');
  if (!query) return text(400, 'query not set');
  parseLogQuery(query);
  if (!params.get('start')) return text(400, 'start time not set');
  deletes.push({
    request_id: `req-${deletes.length + 1}`,
    start_time: Number(params.get('start')),
    end_time: Number(params.get('end') ?? 0),
    query,
    status: 'received',
    created_at: Date.now(),
  });
  return noContent();
}

function cancel(params: URLSearchParams, deletes: DeleteRequest[]): LokiAnswer {
  const index = deletes.findIndex((d) => d.request_id === params.get('request_id'));
  if (index < 0) return text(404, 'could not find delete request with given id');

  deletes.splice(index, 1);
  return noContent();
}
