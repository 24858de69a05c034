// Pieces every /api/v4 handler shares: batch bodies (an array of at most N items, each an
// object), list links (`self`, `next` only when there is a next page, `first`/`prev` past
// page 1), per-item planning of batches, the `with` list, and queueing the webhook events of API writes when that mode is on.

import { stringsOf } from '../core/bracket-query';
import { isObject } from '../core/custom-fields';
import { WriteContext, requestIdOf } from '../core/entity-writes';
import { pageParams, paginate } from '../core/listing';
import {
  ApiError,
  ApiResponse,
  ItemErrors,
  NO_CONTENT,
  fieldError,
  hal,
  throwIfInvalid,
  validationProblem,
} from '../core/problems';
import type { WebhookEvent } from '../webhooks/payloads';
import type { FakeWorld } from './fake-world';
import { ApiRequest, requireBody } from './route-table';

/** A batch write body: a non-empty array of at most `max` items. */
export function batchItems(req: ApiRequest, max: number): unknown[] {
  const body = requireBody(req);
  if (!Array.isArray(body)) {
    throw new ApiError(
      validationProblem([{ request_id: '0', errors: [fieldError.type('', 'array')] }])
    );
  }
  if (body.length > max) {
    throw new ApiError(
      validationProblem([{ request_id: '0', errors: [fieldError.tooMany('', max)] }])
    );
  }
  return body;
}

type Planner<P> = (
  raw: Record<string, unknown>,
  requestId: string,
  index: number
) => { plan: P; errors: ItemErrors };

/** Plans every item (non-objects fail on their own); throws the 400 if any item failed. */
export function planBatch<P>(items: unknown[], planner: Planner<P>): P[] {
  const results = items.map((raw, index) => {
    const requestId = requestIdOf(raw, index);
    if (isObject(raw)) return planner(raw, requestId, index);
    const errors = new ItemErrors(requestId);
    errors.add(fieldError.type('', 'array'));
    return { plan: null, errors };
  });
  throwIfInvalid(results.map(result => result.errors));
  return results.map(result => result.plan as P);
}

export function withList(req: ApiRequest): string[] {
  return stringsOf(req.query.with).map(s => s.trim());
}

export function apiWriter(world: FakeWorld, req: ApiRequest): WriteContext {
  return world.writer(req.now, 'api');
}

/** API writes echo as webhooks only in `apiChangeWebhooks` mode (delivered on demand). */
export function queueEvents(world: FakeWorld, events: WebhookEvent[]): void {
  if (world.config.apiChangeWebhooks && world.webhooks.deliveryEnabled) {
    world.dispatcher.queue(events);
  }
}

/**
 * A page of a list AmoCRM counts (custom fields, users): `_total_items`, `_page`,
 * `_page_count`, links and the page's items under `_embedded[key]`; 204 past the end.
 */
export function countedPage<T>(
  req: ApiRequest,
  all: T[],
  key: string,
  render: (item: T) => unknown
): ApiResponse {
  const { page, limit } = pageParams(req.query);
  const found = paginate(all, page, limit);
  if (found.items.length === 0) return NO_CONTENT;
  return hal({
    _total_items: all.length,
    _page: page,
    _page_count: Math.max(1, Math.ceil(all.length / limit)),
    _links: pageLinks(req, page, limit, found.hasNext),
    _embedded: { [key]: found.items.map(render) },
  });
}

/** The list's own query with this page and limit, as AmoCRM writes it into links. */
export function pageQuery(search: URLSearchParams, page: number, limit: number): string {
  const params = new URLSearchParams(search);
  params.set('page', String(page));
  params.set('limit', String(limit));
  return params.toString();
}

export function pageLinks(
  req: ApiRequest,
  page: number,
  limit: number,
  hasNext: boolean
): Record<string, { href: string }> {
  const href = (p: number) => `${req.base}${req.path}?${pageQuery(req.search, p, limit)}`;
  const links: Record<string, { href: string }> = { self: { href: href(page) } };
  if (hasNext) links.next = { href: href(page + 1) };
  if (page > 1) {
    links.first = { href: href(1) };
    links.prev = { href: href(page - 1) };
  }
  return links;
}
