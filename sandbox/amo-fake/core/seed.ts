// Admin seeding: contacts and leads put straight into the account (no webhooks, no rate
// limit), written through the same plans as API writes so their stored shape is exactly what
// an API-created entity would have. Phones and emails are stored as given, like a manager
// typing them into AmoCRM's card.

import type {
  SeedCompany,
  SeedContact,
  SeedFieldSpec,
  SeedFieldValue,
  SeedInput,
  SeedLead,
  SeedResult,
} from '../types';
import {
  applyCompany,
  applyContact,
  applyLead,
  planCompany,
  planContact,
  planLead,
  WriteContext,
} from './entity-writes';
import { ApiError, problem, throwIfInvalid } from './problems';

export function seedAccount(ctx: WriteContext, input: SeedInput): SeedResult {
  const leadFieldIds = createFields(ctx, 'leads', input.leadFields);
  const contactFieldIds = createFields(ctx, 'contacts', input.contactFields);
  const companyIds = (input.companies ?? []).map((seed, i) => seedCompany(ctx, seed, i));
  const contactIds = (input.contacts ?? []).map((seed, i) => seedContact(ctx, seed, i));
  const leadIds = (input.leads ?? []).map((seed, i) =>
    seedLead(ctx, seed, i, { contactIds, companyIds })
  );
  return { contactIds, leadIds, leadFieldIds, contactFieldIds, companyIds };
}

function seedCompany(ctx: WriteContext, seed: SeedCompany, index: number): number {
  const raw = {
    name: seed.name,
    custom_fields_values: (seed.customFields ?? []).map(fieldWrite),
    _embedded: seed.tags ? { tags: seed.tags.map(name => ({ name })) } : undefined,
  };
  const { plan, errors } = planCompany(raw, String(index), ctx.state);
  throwIfInvalid([errors]);
  const company = ctx.state.newCompany(ctx.nowS, ctx.userId);
  applyCompany(plan, company, ctx);
  return company.id;
}

function createFields(
  ctx: WriteContext,
  entity: 'leads' | 'contacts',
  specs: SeedFieldSpec[] = []
): number[] {
  return specs.map(
    spec =>
      ctx.state.createField(entity, {
        name: spec.name,
        type: spec.type ?? 'text',
        code: spec.code ?? null,
        enums: spec.enums,
      }).id
  );
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

interface Seeded {
  contactIds: number[];
  companyIds: number[];
}

function seedLead(ctx: WriteContext, seed: SeedLead, index: number, seeded: Seeded): number {
  const contactId = seededId(seed.contact, seed.contactId, seeded.contactIds, index, 'contact');
  const companyId = seededId(seed.company, seed.companyId, seeded.companyIds, index, 'company');
  const embedded: Record<string, unknown> = {};
  if (contactId !== undefined) embedded.contacts = [{ id: contactId, is_main: true }];
  if (companyId !== undefined) embedded.companies = [{ id: companyId }];
  if (seed.tags) embedded.tags = seed.tags.map(name => ({ name }));
  const raw = {
    name: seed.name,
    price: seed.price,
    status_id: seed.statusId,
    pipeline_id: seed.pipelineId,
    responsible_user_id: seed.responsibleUserId,
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

/** An id by index into this seed call's records, or a stored one. */
function seededId(
  index: number | undefined,
  stored: number | undefined,
  ids: number[],
  leadIndex: number,
  kind: string
): number | undefined {
  if (index === undefined) return stored;
  if (ids[index] === undefined) {
    throw new ApiError(problem(400, `Seed lead ${leadIndex}: no seeded ${kind} #${index}`));
  }
  return ids[index];
}

function fieldWrite(seed: SeedFieldValue) {
  const values = seed.values.map(v =>
    typeof v === 'object' ? { value: v.value, enum_code: v.enumCode } : { value: v }
  );
  const ref =
    seed.fieldId !== undefined ? { field_id: seed.fieldId } : { field_code: seed.fieldCode };
  return { ...ref, values };
}
