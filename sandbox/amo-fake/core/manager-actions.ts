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
  EditLeadInput,
  RenameLeadInput,
  SetCustomFieldInput,
  SetResponsibleInput,
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

/** A manager hands the lead to another user: leads[responsible] and leads[update]. */
export function setResponsible(ctx: WriteContext, input: SetResponsibleInput): ActionOutcome {
  return updateLeadBy(ctx, input.leadId, { responsible_user_id: input.userId });
}

/**
 * A manager changes a lead in its card in any way an API PATCH body can say (tags, company,
 * responsible, pipeline and status, fields…): the same validation, the same webhooks.
 */
export function editLead(ctx: WriteContext, input: EditLeadInput): ActionOutcome {
  return updateLeadBy(ctx, input.leadId, input.body);
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
  const embedded: Record<string, unknown> = {};
  if (input.contactId !== undefined) embedded.contacts = [{ id: input.contactId }];
  if (input.companyId !== undefined) embedded.companies = [{ id: input.companyId }];
  if (input.tags !== undefined) embedded.tags = input.tags.map(name => ({ name }));
  const raw: Record<string, unknown> = {
    name: input.name,
    price: input.price,
    status_id: input.statusId,
    pipeline_id: input.pipelineId,
    responsible_user_id: input.responsibleUserId,
    custom_fields_values: input.customFieldsValues,
    _embedded: embedded,
  };
  const { plan, errors } = planLead(raw, '0', null, ctx.state);
  throwIfInvalid([errors]);
  const lead = ctx.state.newLead(ctx.nowS, ctx.userId);
  applyLead(plan, lead, ctx);
  return { events: leadAddedEvents(lead, ctx.userId), leadId: lead.id };
}

/**
 * A manager fills or clears one custom field in a lead's or contact's card: validated as an API
 * write of that field, then the record's update webhook.
 */
export function setCustomField(ctx: WriteContext, input: SetCustomFieldInput): ActionOutcome {
  const ref =
    input.fieldId !== undefined ? { field_id: input.fieldId } : { field_code: input.fieldCode };
  const values = input.values === null || input.values.length === 0 ? null : input.values;
  const raw = { custom_fields_values: [{ ...ref, values }] };
  if (input.entity === 'contacts') {
    const contact = ctx.state.contact(input.id);
    if (!contact) throw new ApiError(problem(404, `Contact ${input.id} not found`));
    const { plan, errors } = planContact(raw, '0', ctx.state);
    throwIfInvalid([errors]);
    applyContact(plan, contact, ctx);
    return { events: contactChangedEvents(ctx, contact, 'update'), contactId: contact.id };
  }
  return updateLeadBy(ctx, input.id, raw);
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

/** A lead's state before a change, to tell which webhooks the change fires. */
export interface LeadBefore {
  statusId: number;
  pipelineId: number;
  responsibleUserId: number;
}

export function leadBefore(lead: LeadRecord): LeadBefore {
  return {
    statusId: lead.status_id,
    pipelineId: lead.pipeline_id,
    responsibleUserId: lead.responsible_user_id,
  };
}

/**
 * The events of a lead update: status_lead when it moved, responsible_lead when its
 * responsible user changed (with old_responsible_user_id, as AmoCRM's webhook format lists
 * it), update_lead always.
 */
export function leadChangedEvents(
  lead: LeadRecord,
  before: LeadBefore,
  modifiedUserId: number
): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  if (before.responsibleUserId !== lead.responsible_user_id) {
    const extras = { modifiedUserId, oldResponsibleUserId: before.responsibleUserId };
    const fields = leadFields(lead, extras);
    events.push({ setting: 'responsible_lead', entity: 'leads', action: 'responsible', fields });
  }
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
  const before = leadBefore(lead);
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
