import type { DataAuthorizer, DataGrant } from '../auth/data-authorizer.js';
import type { Service } from '../model/service.js';
import type { RequestContext } from '../http/route.js';

/** What authorization reads of a request: plain HTTP, or a WebSocket upgrade (no response yet). */
export type DataContext = Pick<RequestContext, 'req' | 'clientAddress' | 'now' | 'facts'>;

/** Authorizes a data-plane request and notes who it was for the request log (ids only). */
export async function authorizeData(
  authorizer: DataAuthorizer,
  context: DataContext,
  service: Service,
  scope: string,
): Promise<DataGrant> {
  const grant = await authorizer.authorize({
    authorization: context.req.headers.authorization,
    clientAddress: context.clientAddress,
    service,
    scope,
    now: context.now,
  });

  context.facts.stack = grant.stack.slug;
  context.facts.tokenId = grant.principal.token.id;
  context.facts.policy = grant.principal.policy.policy.name;
  return grant;
}
