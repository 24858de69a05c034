// The manager's side of the account: the changes a person makes in AmoCRM's UI (move a lead,
// change its budget or name, delete it, edit a contact, add a lead). Each goes through the
// same validation as an API write, bumps updated_at on the clock, and yields the webhook
// events AmoCRM would send for it. Also builds the events of API writes, for the optional
// "API changes echo as webhooks" mode.

import type {
  ContactRecord,
  CreateLeadInput,
  DeleteLeadInput,
  EditContactInput,
  LeadRecord,
  RenameLeadInput,
  SetLeadPriceInput,
  SetLeadStatusInput,
} from '../types';
import type { WebhookEvent } from '../webhooks/payloads';
import { contactFields, deletedLeadFields, leadFields } from '../webhooks/payloads';
import { applyContact, applyLead, planContact, planLead, WriteContext } from './entity-writes';
import { ApiError, problem, throwIfInvalid } from './problems';

export interface ActionOutcome {
  events: WebhookEvent[];
  leadId?: number;
  contactId?: number;
}

export function setLeadStatus(ctx: WriteContext, input: SetLeadStatusInput): ActionOutcome {
  const body = { status_id: input.statusId, pipeline_id: input.pipelineId };
  return updateLeadBy(ctx, input.leadId, body);
}

export function setLeadPrice(ctx: WriteContext, input: SetLeadPriceInput): ActionOutcome {
  return updateLeadBy(ctx, input.leadId, { price: input.price });
}

export function renameLead(ctx: WriteContext, input: RenameLeadInput): ActionOutcome {
  return updateLeadBy(ctx, input.leadId, { name: input.name });
}

export function deleteLead(ctx: WriteContext, input: DeleteLeadInput): ActionOutcome {
  const lead = liveLead(ctx, input.leadId);
  lead.is_deleted = true;
  lead.updated_at = ctx.nowS;
  lead.updated_by = ctx.userId;
  const event: WebhookEvent = {
    setting: 'delete_lead',
    entity: 'leads',
    action: 'delete',
    fields: deletedLeadFields(lead),
  };
  return { events: [event], leadId: lead.id };
}

export function createLead(ctx: WriteContext, input: CreateLeadInput): ActionOutcome {
  const raw: Record<string, unknown> = {
    name: input.name,
    price: input.price,
    status_id: input.statusId,
    pipeline_id: input.pipelineId,
  };
  if (input.contactId !== undefined) raw._embedded = { contacts: [{ id: input.contactId }] };
  const { plan, errors } = planLead(raw, '0', null, ctx.state);
  throwIfInvalid([errors]);
  const lead = ctx.state.newLead(ctx.nowS, ctx.userId);
  applyLead(plan, lead, ctx);
  return { events: leadAddedEvents(lead, ctx.userId), leadId: lead.id };
}

export function editContact(ctx: WriteContext, input: EditContactInput): ActionOutcome {
  const contact = ctx.state.contact(input.contactId);
  if (!contact) throw new ApiError(problem(404, `Contact ${input.contactId} not found`));
  const fields: unknown[] = [];
  const multitext = (code: string, value: string | null) => ({
    field_code: code,
    values: value === null ? null : [{ value, enum_code: 'WORK' }],
  });
  if (input.phone !== undefined) fields.push(multitext('PHONE', input.phone));
  if (input.email !== undefined) fields.push(multitext('EMAIL', input.email));
  const raw = { name: input.name, custom_fields_values: fields };
  const { plan, errors } = planContact(raw, '0', ctx.state);
  throwIfInvalid([errors]);
  applyContact(plan, contact, ctx);
  return { events: contactChangedEvents(ctx, contact, 'update'), contactId: contact.id };
}

/** The events of a lead update: status_lead when it moved, update_lead always. */
export function leadChangedEvents(
  lead: LeadRecord,
  before: { statusId: number; pipelineId: number },
  modifiedUserId: number
): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  const moved = before.statusId !== lead.status_id || before.pipelineId !== lead.pipeline_id;
  if (moved) {
    const oldPipelineId = before.pipelineId !== lead.pipeline_id ? before.pipelineId : undefined;
    const extras = { modifiedUserId, oldStatusId: before.statusId, oldPipelineId };
    events.push({
      setting: 'status_lead',
      entity: 'leads',
      action: 'status',
      fields: leadFields(lead, extras),
    });
  }
  const fields = leadFields(lead, { modifiedUserId });
  events.push({ setting: 'update_lead', entity: 'leads', action: 'update', fields });
  return events;
}

export function leadAddedEvents(lead: LeadRecord, modifiedUserId: number): WebhookEvent[] {
  const fields = leadFields(lead, { modifiedUserId });
  return [{ setting: 'add_lead', entity: 'leads', action: 'add', fields }];
}

export function contactChangedEvents(
  ctx: WriteContext,
  contact: ContactRecord,
  action: 'add' | 'update'
): WebhookEvent[] {
  const leadIds = ctx.state.leadsOfContact(contact.id).map(lead => lead.id);
  const fields = contactFields(contact, leadIds, ctx.userId);
  return [{ setting: `${action}_contact`, entity: 'contacts', action, fields }];
}

function updateLeadBy(ctx: WriteContext, leadId: number, raw: Record<string, unknown>) {
  const lead = liveLead(ctx, leadId);
  const before = { statusId: lead.status_id, pipelineId: lead.pipeline_id };
  const { plan, errors } = planLead(raw, '0', lead, ctx.state);
  throwIfInvalid([errors]);
  applyLead(plan, lead, ctx);
  return { events: leadChangedEvents(lead, before, ctx.userId), leadId };
}

function liveLead(ctx: WriteContext, leadId: number): LeadRecord {
  const lead = ctx.state.lead(leadId);
  if (!lead) throw new ApiError(problem(404, `Lead ${leadId} not found`));
  return lead;
}
