// /api/v4/contacts: list (AmoCRM's `query` over the filled fields as stored, filters, order,
// paging, `with=leads`, 204 when empty), one contact, batch add and batch / single update.
// Phones and emails are the PHONE / EMAIL multitext fields, written by field_id or
// field_code with enum_id or enum_code, read back with all four.

import { contactSearchText, pageParams, paginate, selectEntities } from '../core/listing';
import { applyContact, planContact } from '../core/entity-writes';
import { contactChangedEvents } from '../core/manager-actions';
import { link, renderContact } from '../core/presenters';
import {
  ApiError,
  ApiResponse,
  NO_CONTENT,
  fieldError,
  hal,
  validationProblem,
} from '../core/problems';
import type { ContactRecord } from '../types';
import {
  apiWriter,
  batchItems,
  pageLinks,
  pageQuery,
  planBatch,
  queueEvents,
  withList,
} from './api-common';
import type { FakeWorld } from './fake-world';
import { ApiRequest, requireBody } from './route-table';

const MAX_BATCH = 250;

export function listContacts(world: FakeWorld, req: ApiRequest): ApiResponse {
  const { page, limit } = pageParams(req.query);
  const all = [...world.account.contacts.values()].filter(contact => !contact.is_deleted);
  const found = paginate(selectEntities(all, req.query, contactSearchText), page, limit);
  if (found.items.length === 0) return NO_CONTENT;
  const withLeads = withList(req).includes('leads');
  const selfQuery = pageQuery(req.search, page, limit);
  const contacts = found.items.map(contact =>
    renderContact(contact, req.base, withLeads ? leadsOf(world, contact) : null, selfQuery)
  );
  return hal({
    _page: page,
    _links: pageLinks(req, page, limit, found.hasNext),
    _embedded: { contacts },
  });
}

export function getContact(world: FakeWorld, req: ApiRequest): ApiResponse {
  const contact = world.account.contact(req.params.id);
  if (!contact) return NO_CONTENT;
  const leads = withList(req).includes('leads') ? leadsOf(world, contact) : null;
  return hal(renderContact(contact, req.base, leads));
}

export function addContacts(world: FakeWorld, req: ApiRequest): ApiResponse {
  const plans = planBatch(batchItems(req, MAX_BATCH), (raw, requestId) =>
    planContact(raw, requestId, world.account)
  );
  const ctx = apiWriter(world, req);
  const created = plans.map(plan => {
    const contact = ctx.state.newContact(ctx.nowS, ctx.userId);
    applyContact(plan, contact, ctx);
    queueEvents(world, contactChangedEvents(ctx, contact, 'add'));
    return {
      id: contact.id,
      is_deleted: false,
      is_unsorted: false,
      request_id: plan.requestId,
      _links: contactLink(req, contact),
    };
  });
  return hal({ _links: link(`${req.base}/api/v4/contacts`), _embedded: { contacts: created } });
}

export function updateContacts(world: FakeWorld, req: ApiRequest): ApiResponse {
  const plans = planBatch(batchItems(req, MAX_BATCH), (raw, requestId) => {
    const target = typeof raw.id === 'number' ? world.account.contact(raw.id) : undefined;
    const planned = planContact(raw, requestId, world.account);
    if (!target) planned.errors.add(fieldError.notFound('id'));
    return { plan: { ...planned.plan, target: target as ContactRecord }, errors: planned.errors };
  });
  const ctx = apiWriter(world, req);
  const updated = plans.map(plan => {
    applyContact(plan, plan.target, ctx);
    queueEvents(world, contactChangedEvents(ctx, plan.target, 'update'));
    const { id, name, updated_at } = plan.target;
    return {
      id,
      name,
      updated_at,
      request_id: plan.requestId,
      _links: contactLink(req, plan.target),
    };
  });
  return hal({ _links: link(`${req.base}/api/v4/contacts`), _embedded: { contacts: updated } });
}

export function updateContact(world: FakeWorld, req: ApiRequest): ApiResponse {
  const body = requireBody(req);
  const contact = world.account.contact(req.params.id);
  if (!contact) {
    throw new ApiError(
      validationProblem([{ request_id: '0', errors: [fieldError.notFound('id')] }])
    );
  }
  const [plan] = planBatch([body], (raw, requestId) => planContact(raw, requestId, world.account));
  const ctx = apiWriter(world, req);
  applyContact(plan, contact, ctx);
  queueEvents(world, contactChangedEvents(ctx, contact, 'update'));
  const { id, name, updated_at } = contact;
  return hal({ id, name, updated_at, _links: contactLink(req, contact) });
}

function leadsOf(world: FakeWorld, contact: ContactRecord) {
  return world.account.leadsOfContact(contact.id);
}

function contactLink(req: ApiRequest, contact: ContactRecord) {
  return link(`${req.base}/api/v4/contacts/${contact.id}`);
}
