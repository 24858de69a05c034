// Admin seeding: contacts and leads put straight into the account (no webhooks, no rate
// limit), written through the same plans as API writes so their stored shape is exactly what
// an API-created entity would have. Phones and emails are stored as given, like a manager
// typing them into AmoCRM's card.

import type { SeedContact, SeedFieldValue, SeedInput, SeedLead, SeedResult } from '../types';
import { applyContact, applyLead, planContact, planLead, WriteContext } from './entity-writes';
import { ApiError, problem, throwIfInvalid } from './problems';

export function seedAccount(ctx: WriteContext, input: SeedInput): SeedResult {
  const leadFieldIds = (input.leadFields ?? []).map(
    spec =>
      ctx.state.createField('leads', {
        name: spec.name,
        type: spec.type ?? 'text',
        code: spec.code ?? null,
      }).id
  );
  const contactIds = (input.contacts ?? []).map((seed, i) => seedContact(ctx, seed, i));
  const leadIds = (input.leads ?? []).map((seed, i) => seedLead(ctx, seed, i, contactIds));
  return { contactIds, leadIds, leadFieldIds };
}

function seedContact(ctx: WriteContext, seed: SeedContact, index: number): number {
  const fields = [...(seed.customFields ?? []).map(fieldWrite)];
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : [v].flat());
  const multitext = (code: string, values: string[]) => ({
    field_code: code,
    values: values.map(value => ({ value, enum_code: 'WORK' })),
  });
  if (seed.phone !== undefined) fields.push(multitext('PHONE', list(seed.phone)));
  if (seed.email !== undefined) fields.push(multitext('EMAIL', list(seed.email)));
  const raw = {
    name: seed.name,
    custom_fields_values: fields,
    created_at: seed.createdAt,
    updated_at: seed.updatedAt,
  };
  const { plan, errors } = planContact(raw, String(index), ctx.state);
  throwIfInvalid([errors]);
  const contact = ctx.state.newContact(ctx.nowS, ctx.userId);
  applyContact(plan, contact, ctx);
  return contact.id;
}

function seedLead(ctx: WriteContext, seed: SeedLead, index: number, contactIds: number[]): number {
  const contactId = seed.contact !== undefined ? contactIds[seed.contact] : seed.contactId;
  if (seed.contact !== undefined && contactId === undefined) {
    throw new ApiError(problem(400, `Seed lead ${index}: no seeded contact #${seed.contact}`));
  }
  const embedded: Record<string, unknown> = {};
  if (contactId !== undefined) embedded.contacts = [{ id: contactId, is_main: true }];
  if (seed.tags) embedded.tags = seed.tags.map(name => ({ name }));
  const raw = {
    name: seed.name,
    price: seed.price,
    status_id: seed.statusId,
    pipeline_id: seed.pipelineId,
    custom_fields_values: (seed.customFields ?? []).map(fieldWrite),
    created_at: seed.createdAt,
    updated_at: seed.updatedAt,
    _embedded: embedded,
  };
  const { plan, errors } = planLead(raw, String(index), null, ctx.state);
  throwIfInvalid([errors]);
  const lead = ctx.state.newLead(ctx.nowS, ctx.userId);
  applyLead(plan, lead, ctx);
  lead.is_deleted = seed.deleted === true;
  return lead.id;
}

function fieldWrite(seed: SeedFieldValue) {
  const values = seed.values.map(v =>
    typeof v === 'object' ? { value: v.value, enum_code: v.enumCode } : { value: v }
  );
  const ref =
    seed.fieldId !== undefined ? { field_id: seed.fieldId } : { field_code: seed.fieldCode };
  return { ...ref, values };
}
