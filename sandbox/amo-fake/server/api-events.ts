// GET /api/v4/events: the account's event list (amoCRM «События и Примечания»,
// https://www.amocrm.ru/developers/content/crm_platform/events-and-notes), newest first, at
// most 100 a page (more is the 422 of the other lists), filtered as event-query.ts says, 204
// when nothing matches. Each event names its record under `_embedded.entity`.

import { eventFilter } from '../core/event-query';
import { pageParams, paginate } from '../core/listing';
import { link } from '../core/presenters';
import { ApiResponse, NO_CONTENT, hal } from '../core/problems';
import type { EventRecord } from '../types';
import { pageLinks } from './api-common';
import type { FakeWorld } from './fake-world';
import type { ApiRequest } from './route-table';

/** amoCRM: «Количество возвращаемых сущностей за один запрос (Максимум – 100)». */
export const MAX_EVENTS_LIMIT = 100;

const ENTITY_PATHS: Record<EventRecord['entity_type'], string> = {
  lead: 'leads',
  contact: 'contacts',
};

export function listEvents(world: FakeWorld, req: ApiRequest): ApiResponse {
  const { page, limit } = pageParams(req.query, MAX_EVENTS_LIMIT);
  const matches = eventFilter(req.query.filter);
  const selected = newestFirst(world.account.events.list().filter(matches));
  const found = paginate(selected, page, limit);
  if (found.items.length === 0) return NO_CONTENT;
  return hal({
    _page: page,
    _links: pageLinks(req, page, limit, found.hasNext),
    _embedded: { events: found.items.map(event => renderEvent(event, req.base)) },
  });
}

/** By created_at, then id (ids grow as events are made), both descending. */
function newestFirst(events: EventRecord[]): EventRecord[] {
  return [...events].sort(
    (a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}

function renderEvent(event: EventRecord, base: string) {
  const href = `${base}/api/v4/${ENTITY_PATHS[event.entity_type]}/${event.entity_id}`;
  return { ...event, _embedded: { entity: { id: event.entity_id, _links: link(href) } } };
}
