// Validation and application of written leads, contacts and companies (POST/PATCH bodies,
// complex add, and the admin side); their `_embedded` parts are in embedded-writes.ts. Each item is first turned into a plan, collecting every field error
// under the item's request_id; a batch is applied only when every plan is clean, because
// AmoCRM rejects a batch with any invalid item as a whole.

import type { CompanyRecord, ContactRecord, LeadRecord, TaggedEntity } from '../types';
import type { AccountState } from './account-state';
import { firstWorkingStatus } from './account-state';
import { FieldWrite, applyFieldWrites, isObject, parseFieldWrites } from './custom-fields';
import {
  TagRef,
  planCompanyLink,
  planContactLinks,
  planTags,
  resolveTags,
} from './embedded-writes';
import { loggingContactChanges, loggingLeadChanges } from './events';
import { ItemErrors, fieldError } from './problems';

export interface WriteContext {
  state: AccountState;
  nowS: number;
  userId: number;
}

interface CommonPlan {
  requestId: string;
  entity: TaggedEntity;
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
  /** The company to link (replacing any), null to unlink, undefined to leave it. */
  company?: number | null;
}

export interface CompanyPlan extends CommonPlan {
  name?: string;
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
    company: planCompanyLink(raw, state, errors, prefix),
  };
  return { plan, errors };
}

export function planCompany(
  raw: Record<string, unknown>,
  requestId: string,
  state: AccountState
): { plan: CompanyPlan; errors: ItemErrors } {
  const errors = new ItemErrors(requestId);
  const reader = new FieldReader(raw, errors, '');
  const plan: CompanyPlan = {
    ...planCommon(raw, reader, requestId, state, errors, '', 'companies'),
    name: reader.string('name'),
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

/** Every write of a lead goes through here, so its field events are recorded here (events.ts). */
export function applyLead(plan: LeadPlan, lead: LeadRecord, ctx: WriteContext): void {
  loggingLeadChanges(ctx, lead, () => {
    if (plan.name !== undefined) lead.name = plan.name;
    if (plan.price !== undefined) lead.price = plan.price;
    if (plan.status) {
      ctx.state.setStatus(lead, plan.status.statusId, plan.status.pipelineId, ctx.nowS);
    }
    for (const link of plan.contacts) ctx.state.link(lead, link.id, link.isMain);
    if (plan.company !== undefined) ctx.state.setCompany(lead, plan.company);
    applyCommon(plan, lead, ctx);
  });
}

export function applyCompany(plan: CompanyPlan, company: CompanyRecord, ctx: WriteContext): void {
  if (plan.name !== undefined) company.name = plan.name;
  applyCommon(plan, company, ctx);
}

export function applyContact(plan: ContactPlan, contact: ContactRecord, ctx: WriteContext): void {
  loggingContactChanges(ctx, contact, () => {
    if (plan.firstName !== undefined) contact.first_name = plan.firstName;
    if (plan.lastName !== undefined) contact.last_name = plan.lastName;
    if (plan.name !== undefined) contact.name = plan.name;
    else if (plan.firstName !== undefined || plan.lastName !== undefined) {
      contact.name = `${contact.first_name} ${contact.last_name}`.trim();
    }
    applyCommon(plan, contact, ctx);
  });
}

type Written = LeadRecord | ContactRecord | CompanyRecord;

function applyCommon(plan: CommonPlan, entity: Written, ctx: WriteContext) {
  entity.custom_fields_values = applyFieldWrites(entity.custom_fields_values, plan.fields);
  if (plan.tags) entity.tags = resolveTags(plan.tags, ctx.state, plan.entity);
  if (plan.responsibleUserId !== undefined) entity.responsible_user_id = plan.responsibleUserId;
  if (plan.createdAt !== undefined) entity.created_at = plan.createdAt;
  entity.updated_at = plan.updatedAt ?? ctx.nowS;
  entity.updated_by = ctx.userId;
}

function planCommon(
  raw: Record<string, unknown>,
  reader: FieldReader,
  requestId: string,
  state: AccountState,
  errors: ItemErrors,
  prefix: string,
  entity: TaggedEntity
): CommonPlan {
  const catalog = state.fieldCatalog(entity);
  return {
    requestId,
    entity,
    fields: parseFieldWrites(
      raw.custom_fields_values,
      catalog,
      `${prefix}custom_fields_values`,
      errors
    ),
    tags: planTags(raw, state, errors, prefix, entity),
    responsibleUserId: planResponsible(reader, state),
    createdAt: reader.int('created_at'),
    updatedAt: reader.int('updated_at'),
  };
}

/** responsible_user_id must name an active user of the account (else NotSupportedChoice). */
function planResponsible(reader: FieldReader, state: AccountState): number | undefined {
  const id = reader.int('responsible_user_id');
  if (id === undefined || state.activeUser(id)) return id;
  reader.fail(fieldError.choice(reader.path('responsible_user_id')));
  return undefined;
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
