// GET and POST /api/v4/{leads|contacts|companies}/tags (Kommo "Tags": one directory per entity
// type; a tag has id, name and color). The list takes `query` (part of the name), `filter[id]`,
// `filter[name]`, `page` and `limit`; 204 when empty. POST adds tags `[{name, color?}]`; a name
// that exists answers the existing tag, as tags are unique by name.

import { intsOf, stringsOf } from '../core/bracket-query';
import { pageParams, paginate } from '../core/listing';
import { link } from '../core/presenters';
import { ApiResponse, ItemErrors, NO_CONTENT, fieldError, hal } from '../core/problems';
import type { TagRecord, TaggedEntity } from '../types';
import { batchItems, pageLinks, planBatch } from './api-common';
import type { FakeWorld } from './fake-world';
import type { ApiRequest } from './route-table';

export function listTags(entity: TaggedEntity) {
  return (world: FakeWorld, req: ApiRequest): ApiResponse => {
    const { page, limit } = pageParams(req.query);
    const found = paginate(selectTags(world.account.tagList(entity), req), page, limit);
    if (found.items.length === 0) return NO_CONTENT;
    return hal({
      _page: page,
      _links: pageLinks(req, page, limit, found.hasNext),
      _embedded: { tags: found.items.map(tag => renderTag(tag, entity, req.base)) },
    });
  };
}

export function addTags(entity: TaggedEntity) {
  return (world: FakeWorld, req: ApiRequest): ApiResponse => {
    const plans = planBatch(batchItems(req, 250), (raw, requestId) => {
      const errors = new ItemErrors(requestId);
      const name = typeof raw.name === 'string' ? raw.name.trim() : '';
      if (name === '') errors.add(fieldError.blank('name'));
      const color = typeof raw.color === 'string' ? raw.color : null;
      return { plan: { name, color, requestId }, errors };
    });
    const tags = plans.map(plan => ({
      ...renderTag(world.account.tagByName(plan.name, entity, plan.color), entity, req.base),
      request_id: plan.requestId,
    }));
    return hal({ _links: link(`${req.base}/api/v4/${entity}/tags`), _embedded: { tags } });
  };
}

function selectTags(all: TagRecord[], req: ApiRequest): TagRecord[] {
  const query = typeof req.query.query === 'string' ? req.query.query.trim().toLowerCase() : '';
  const filter = typeof req.query.filter === 'object' ? req.query.filter : {};
  const ids = intsOf(filter.id);
  const names = stringsOf(filter.name).map(n => n.toLowerCase());
  return all.filter(
    tag =>
      (query === '' || tag.name.toLowerCase().includes(query)) &&
      (ids.length === 0 || ids.includes(tag.id)) &&
      (names.length === 0 || names.includes(tag.name.toLowerCase()))
  );
}

function renderTag(tag: TagRecord, entity: TaggedEntity, base: string) {
  return {
    id: tag.id,
    name: tag.name,
    color: tag.color ?? null,
    _links: link(`${base}/api/v4/${entity}/tags/${tag.id}`),
  };
}
