// /api/v4/leads: list (query, filters, order, paging, `with=contacts`, 204 when empty), one
// lead (204 when unknown or deleted), batch add (≤ 250), batch and single update, and complex
// add (≤ 50 leads, each with at most one new contact) answering a top-level array.

import { leadSearchText, pageParams, paginate, selectEntities } from '../core/listing';
import { applyContact, applyLead, planContact, planLead } from '../core/entity-writes';
import { isObject } from '../core/custom-fields';
import { leadAddedEvents, leadBefore, leadChangedEvents } from '../core/manager-actions';
import { renderLead, link } from '../core/presenters';
import { ApiResponse, NO_CONTENT, fieldError, hal } from '../core/problems';
import type { LeadRecord } from '../types';
import {
  apiWriter,
  batchItems,
  pageLinks,
  pageQuery,
  planBatch,
  queueEvents,
  withList,
} from './api-common';
import { requireLive } from './api-entities';
import type { FakeWorld } from './fake-world';
import { ApiRequest, requireBody } from './route-table';

const MAX_BATCH = 250;
const MAX_COMPLEX = 50;

export function listLeads(world: FakeWorld, req: ApiRequest): ApiResponse {
  const { page, limit } = pageParams(req.query);
  const withs = withList(req);
  const onlyDeleted = withs.includes('only_deleted');
  const all = [...world.account.leads.values()].filter(lead => lead.is_deleted === onlyDeleted);
  const found = paginate(selectEntities(all, req.query, leadSearchText), page, limit);
  if (found.items.length === 0) return NO_CONTENT;
  const view = {
    withContacts: withs.includes('contacts'),
    selfQuery: pageQuery(req.search, page, limit),
  };
  return hal({
    _page: page,
    _links: pageLinks(req, page, limit, found.hasNext),
    _embedded: { leads: found.items.map(lead => renderLead(lead, req.base, view)) },
  });
}

export function getLead(world: FakeWorld, req: ApiRequest): ApiResponse {
  const lead = world.account.lead(req.params.id);
  if (!lead) return NO_CONTENT;
  return hal(renderLead(lead, req.base, { withContacts: withList(req).includes('contacts') }));
}

export function addLeads(world: FakeWorld, req: ApiRequest): ApiResponse {
  const plans = planBatch(batchItems(req, MAX_BATCH), (raw, requestId) =>
    planLead(raw, requestId, null, world.account)
  );
  const ctx = apiWriter(world, req);
  const created = plans.map(plan => {
    const lead = ctx.state.newLead(ctx.nowS, ctx.userId);
    applyLead(plan, lead, ctx);
    queueEvents(world, leadAddedEvents(lead, ctx.userId));
    return { id: lead.id, request_id: plan.requestId, _links: leadLink(req, lead) };
  });
  return hal({ _links: link(`${req.base}/api/v4/leads`), _embedded: { leads: created } });
}

export function updateLeads(world: FakeWorld, req: ApiRequest): ApiResponse {
  const plans = planBatch(batchItems(req, MAX_BATCH), (raw, requestId) => {
    const target = typeof raw.id === 'number' ? (world.account.lead(raw.id) ?? null) : null;
    const planned = planLead(raw, requestId, target, world.account);
    if (!target) planned.errors.add(fieldError.notFound('id'));
    return { plan: { ...planned.plan, target: target as LeadRecord }, errors: planned.errors };
  });
  const updated = plans.map(plan => {
    applyLeadUpdate(world, req, plan.target, plan);
    const { id, updated_at } = plan.target;
    return { id, updated_at, request_id: plan.requestId, _links: leadLink(req, plan.target) };
  });
  return hal({ _links: link(`${req.base}/api/v4/leads`), _embedded: { leads: updated } });
}

export function updateLead(world: FakeWorld, req: ApiRequest): ApiResponse {
  const body = requireBody(req);
  const lead = requireLive(world.account.lead(req.params.id));
  const [plan] = planBatch([body], (raw, requestId) =>
    planLead(raw, requestId, lead, world.account)
  );
  applyLeadUpdate(world, req, lead, plan);
  return hal({ id: lead.id, updated_at: lead.updated_at, _links: leadLink(req, lead) });
}

function applyLeadUpdate(
  world: FakeWorld,
  req: ApiRequest,
  lead: LeadRecord,
  plan: ReturnType<typeof planLead>['plan']
): void {
  const ctx = apiWriter(world, req);
  const before = leadBefore(lead);
  applyLead(plan, lead, ctx);
  queueEvents(world, leadChangedEvents(lead, before, ctx.userId));
}

/** POST /api/v4/leads/complex: lead + new contact per item, linked; answers an array. */
export function addComplex(world: FakeWorld, req: ApiRequest): ApiResponse {
  const plans = planBatch(batchItems(req, MAX_COMPLEX), (raw, requestId) => {
    const { _embedded, ...rest } = raw;
    const embedded = isObject(_embedded) ? _embedded : {};
    const { contacts, ...otherEmbedded } = embedded;
    const planned = planLead({ ...rest, _embedded: otherEmbedded }, requestId, null, world.account);
    const contact = planComplexContact(world, contacts, requestId, planned.errors);
    return { plan: { lead: planned.plan, contact }, errors: planned.errors };
  });
  const ctx = apiWriter(world, req);
  const answer = plans.map(({ lead: leadPlan, contact: contactPlan }) => {
    const lead = ctx.state.newLead(ctx.nowS, ctx.userId);
    applyLead(leadPlan, lead, ctx);
    const contactId = contactPlan ? createOrLinkContact(world, req, lead, contactPlan) : null;
    queueEvents(world, leadAddedEvents(lead, ctx.userId));
    return {
      id: lead.id,
      contact_id: contactId,
      company_id: null,
      request_id: [leadPlan.requestId],
      merged: false,
    };
  });
  return hal(answer);
}

type ComplexContact = { existingId: number } | { plan: ReturnType<typeof planContact>['plan'] };

function planComplexContact(
  world: FakeWorld,
  contacts: unknown,
  requestId: string,
  errors: ReturnType<typeof planLead>['errors']
): ComplexContact | null {
  if (contacts === undefined || contacts === null) return null;
  if (!Array.isArray(contacts)) {
    errors.add(fieldError.type('_embedded.contacts', 'array'));
    return null;
  }
  if (contacts.length > 1) errors.add(fieldError.tooMany('_embedded.contacts', 1));
  const raw = contacts[0];
  if (contacts.length !== 1 || !isObject(raw)) return null;
  if (raw.id !== undefined) {
    if (typeof raw.id === 'number' && world.account.contact(raw.id)) return { existingId: raw.id };
    errors.add(fieldError.choice('_embedded.contacts.0.id'));
    return null;
  }
  const planned = planContact(raw, requestId, world.account, '_embedded.contacts.0.');
  planned.errors.errors.forEach(error => errors.add(error));
  return { plan: planned.plan };
}

function createOrLinkContact(
  world: FakeWorld,
  req: ApiRequest,
  lead: LeadRecord,
  contact: ComplexContact
): number {
  const ctx = apiWriter(world, req);
  let contactId: number;
  if ('existingId' in contact) contactId = contact.existingId;
  else {
    const created = ctx.state.newContact(ctx.nowS, ctx.userId);
    applyContact(contact.plan, created, ctx);
    contactId = created.id;
  }
  ctx.state.link(lead, contactId, true);
  return contactId;
}

function leadLink(req: ApiRequest, lead: LeadRecord) {
  return link(`${req.base}/api/v4/leads/${lead.id}`);
}
