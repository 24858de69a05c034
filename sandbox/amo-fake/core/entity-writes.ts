// Validation and application of written leads and contacts (POST/PATCH bodies, complex add,
// and the admin side). Each item is first turned into a plan, collecting every field error
// under the item's request_id; a batch is applied only when every plan is clean, because
// AmoCRM rejects a batch with any invalid item as a whole.

import type { ContactRecord, LeadRecord } from '../types';
import type { AccountState } from './account-state';
import { firstWorkingStatus } from './account-state';
import { FieldWrite, applyFieldWrites, isObject, parseFieldWrites } from './custom-fields';
import { ItemErrors, fieldError } from './problems';

export interface WriteContext {
  state: AccountState;
  nowS: number;
  userId: number;
}

type TagRef = { id: number } | { name: string };

interface CommonPlan {
  requestId: string;
  fields: FieldWrite[];
  tags?: TagRef[];
  responsibleUserId?: number;
  createdAt?: number;
  updatedAt?: number;
}

export interface LeadPlan extends CommonPlan {
  name?: string;
  price?: number;
  status?: { statusId: number; pipelineId: number };
  contacts: Array<{ id: number; isMain?: boolean }>;
}

export interface ContactPlan extends CommonPlan {
  name?: string;
  firstName?: string;
  lastName?: string;
}

export function requestIdOf(raw: unknown, index: number): string {
  const given = isObject(raw) ? raw.request_id : undefined;
  return given === undefined || given === null ? String(index) : String(given);
}

/** Plans a lead write; `target` is the stored lead for an update, null for a create. */
export function planLead(
  raw: Record<string, unknown>,
  requestId: string,
  target: LeadRecord | null,
  state: AccountState,
  prefix = ''
): { plan: LeadPlan; errors: ItemErrors } {
  const errors = new ItemErrors(requestId);
  const reader = new FieldReader(raw, errors, prefix);
  const plan: LeadPlan = {
    ...planCommon(raw, reader, requestId, state, errors, prefix, 'leads'),
    name: reader.string('name'),
    price: reader.int('price'),
    status: planStatus(reader, target, state),
    contacts: planContactLinks(raw, state, errors, prefix),
  };
  return { plan, errors };
}

export function planContact(
  raw: Record<string, unknown>,
  requestId: string,
  state: AccountState,
  prefix = ''
): { plan: ContactPlan; errors: ItemErrors } {
  const errors = new ItemErrors(requestId);
  const reader = new FieldReader(raw, errors, prefix);
  const plan: ContactPlan = {
    ...planCommon(raw, reader, requestId, state, errors, prefix, 'contacts'),
    name: reader.string('name'),
    firstName: reader.string('first_name'),
    lastName: reader.string('last_name'),
  };
  return { plan, errors };
}

export function applyLead(plan: LeadPlan, lead: LeadRecord, ctx: WriteContext): void {
  if (plan.name !== undefined) lead.name = plan.name;
  if (plan.price !== undefined) lead.price = plan.price;
  if (plan.status) {
    ctx.state.setStatus(lead, plan.status.statusId, plan.status.pipelineId, ctx.nowS);
  }
  for (const link of plan.contacts) ctx.state.link(lead, link.id, link.isMain);
  applyCommon(plan, lead, ctx);
}

export function applyContact(plan: ContactPlan, contact: ContactRecord, ctx: WriteContext): void {
  if (plan.firstName !== undefined) contact.first_name = plan.firstName;
  if (plan.lastName !== undefined) contact.last_name = plan.lastName;
  if (plan.name !== undefined) contact.name = plan.name;
  else if (plan.firstName !== undefined || plan.lastName !== undefined) {
    contact.name = `${contact.first_name} ${contact.last_name}`.trim();
  }
  applyCommon(plan, contact, ctx);
}

function applyCommon(plan: CommonPlan, entity: LeadRecord | ContactRecord, ctx: WriteContext) {
  entity.custom_fields_values = applyFieldWrites(entity.custom_fields_values, plan.fields);
  if (plan.tags) entity.tags = plan.tags.map(ref => resolveTag(ref, ctx.state));
  if (plan.responsibleUserId !== undefined) entity.responsible_user_id = plan.responsibleUserId;
  if (plan.createdAt !== undefined) entity.created_at = plan.createdAt;
  entity.updated_at = plan.updatedAt ?? ctx.nowS;
  entity.updated_by = ctx.userId;
}

function resolveTag(ref: TagRef, state: AccountState) {
  return 'id' in ref
    ? (state.tagById(ref.id) ?? { id: ref.id, name: '' })
    : state.tagByName(ref.name);
}

function planCommon(
  raw: Record<string, unknown>,
  reader: FieldReader,
  requestId: string,
  state: AccountState,
  errors: ItemErrors,
  prefix: string,
  entity: 'leads' | 'contacts'
): CommonPlan {
  const catalog = entity === 'leads' ? state.leadFields : state.contactFields;
  return {
    requestId,
    fields: parseFieldWrites(
      raw.custom_fields_values,
      catalog,
      `${prefix}custom_fields_values`,
      errors
    ),
    tags: planTags(raw, state, errors, prefix),
    responsibleUserId: reader.int('responsible_user_id'),
    createdAt: reader.int('created_at'),
    updatedAt: reader.int('updated_at'),
  };
}

/** Resolves status_id / pipeline_id against the pipelines (142/143 live in every pipeline). */
function planStatus(
  reader: FieldReader,
  target: LeadRecord | null,
  state: AccountState
): LeadPlan['status'] {
  const statusId = reader.int('status_id');
  const pipelineId = reader.int('pipeline_id');
  if (statusId === undefined && pipelineId === undefined) {
    return target ? undefined : defaultStatus(state);
  }
  const pipeline =
    pipelineId !== undefined
      ? state.pipeline(pipelineId)
      : pipelineOfStatus(statusId as number, target, state);
  if (!pipeline) {
    reader.fail(
      fieldError.choice(reader.path(pipelineId !== undefined ? 'pipeline_id' : 'status_id'))
    );
    return undefined;
  }
  if (statusId === undefined)
    return { statusId: firstWorkingStatus(pipeline).id, pipelineId: pipeline.id };
  if (!pipeline.statuses.some(s => s.id === statusId)) {
    reader.fail(fieldError.choice(reader.path('status_id')));
    return undefined;
  }
  return { statusId, pipelineId: pipeline.id };
}

function defaultStatus(state: AccountState): LeadPlan['status'] {
  const main = state.mainPipeline();
  return { statusId: firstWorkingStatus(main).id, pipelineId: main.id };
}

/** The lead's own pipeline (or the main one) when it has the status, else whichever has it. */
function pipelineOfStatus(statusId: number, target: LeadRecord | null, state: AccountState) {
  const home = target ? state.pipeline(target.pipeline_id) : state.mainPipeline();
  if (home?.statuses.some(s => s.id === statusId)) return home;
  return state.pipelines().find(p => p.statuses.some(s => s.id === statusId));
}

function planTags(
  raw: Record<string, unknown>,
  state: AccountState,
  errors: ItemErrors,
  prefix: string
): TagRef[] | undefined {
  const list = embeddedList(raw, 'tags', errors, prefix);
  if (list === undefined) return undefined;
  const refs: TagRef[] = [];
  list.forEach((item, i) => {
    const path = `${prefix}_embedded.tags.${i}`;
    if (isObject(item) && typeof item.id === 'number' && state.tagById(item.id)) {
      refs.push({ id: item.id });
    } else if (isObject(item) && typeof item.name === 'string' && item.name.trim() !== '') {
      refs.push({ name: item.name });
    } else
      errors.add(fieldError.choice(`${path}.${isObject(item) && 'id' in item ? 'id' : 'name'}`));
  });
  return refs;
}

function planContactLinks(
  raw: Record<string, unknown>,
  state: AccountState,
  errors: ItemErrors,
  prefix: string
): LeadPlan['contacts'] {
  const list = embeddedList(raw, 'contacts', errors, prefix) ?? [];
  const links: LeadPlan['contacts'] = [];
  list.forEach((item, i) => {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id === 'number' && state.contact(id)) {
      const isMain = isObject(item) && typeof item.is_main === 'boolean' ? item.is_main : undefined;
      links.push({ id, isMain });
    } else errors.add(fieldError.choice(`${prefix}_embedded.contacts.${i}.id`));
  });
  return links;
}

function embeddedList(
  raw: Record<string, unknown>,
  key: string,
  errors: ItemErrors,
  prefix: string
): unknown[] | undefined {
  const embedded = raw._embedded;
  if (embedded === undefined || embedded === null) return undefined;
  if (!isObject(embedded)) {
    errors.add(fieldError.type(`${prefix}_embedded`, 'array'));
    return undefined;
  }
  const list = embedded[key];
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) {
    errors.add(fieldError.type(`${prefix}_embedded.${key}`, 'array'));
    return undefined;
  }
  return list;
}

/** Typed reads of top-level scalar fields, recording InvalidType errors. */
class FieldReader {
  constructor(
    private raw: Record<string, unknown>,
    private errors: ItemErrors,
    private prefix: string
  ) {}

  path(key: string): string {
    return `${this.prefix}${key}`;
  }

  fail(error: ReturnType<typeof fieldError.choice>): void {
    this.errors.add(error);
  }

  string(key: string): string | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    this.errors.add(fieldError.type(this.path(key), 'string'));
    return undefined;
  }

  int(key: string): number | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    this.errors.add(fieldError.type(this.path(key), 'int'));
    return undefined;
  }
}
