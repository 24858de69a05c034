// List endpoints' query semantics: `query` (AmoCRM's substring search over an entity's filled
// fields, as stored: "+7912…" does not find "8912…"), `filter[...]`, `order[...]`, `page` and
// `limit`. Works on records; rendering and the 204-when-empty rule live with the routes.

import type { CompanyRecord, ContactRecord, CustomFieldValues, LeadRecord } from '../types';
import { QueryObject, QueryValue, child, intsOf, stringsOf } from './bracket-query';
import { ApiError, problem } from './problems';

export const MAX_PAGE_LIMIT = 250;
const DEFAULT_LIMIT = 50;

type Entity = LeadRecord | ContactRecord | CompanyRecord;

export interface Page<T> {
  page: number;
  limit: number;
  items: T[];
  hasNext: boolean;
}

/** page / limit from the query; a limit over the list's maximum (250 for most) is AmoCRM's 422. */
export function pageParams(
  query: QueryObject,
  max = MAX_PAGE_LIMIT
): { page: number; limit: number } {
  const limit = positiveInt(query.limit) ?? DEFAULT_LIMIT;
  if (limit > max) throw new ApiError(problem(422, `Limit ${max} per page`));
  return { page: positiveInt(query.page) ?? 1, limit };
}

export function paginate<T>(items: T[], page: number, limit: number): Page<T> {
  const start = (page - 1) * limit;
  return {
    page,
    limit,
    items: items.slice(start, start + limit),
    hasNext: items.length > start + limit,
  };
}

/** Applies query, filters and order shared by leads and contacts. */
export function selectEntities<T extends Entity>(
  all: T[],
  query: QueryObject,
  text: (e: T) => string[]
): T[] {
  const search = typeof query.query === 'string' ? query.query.trim().toLowerCase() : '';
  const matches = filterOf(query.filter);
  const selected = all.filter(
    entity =>
      (search === '' || text(entity).some(v => v.toLowerCase().includes(search))) && matches(entity)
  );
  return sortEntities(selected, query.order);
}

/** The filter's id and name lists parsed once per request, not once per entity. */
function filterOf(filter: QueryValue | undefined): (entity: Entity) => boolean {
  if (typeof filter !== 'object') return () => true;
  const ids = new Set(intsOf(filter.id));
  const names = new Set(stringsOf(filter.name));
  return entity =>
    (ids.size === 0 || ids.has(entity.id)) &&
    (names.size === 0 || names.has(entity.name)) &&
    matchesFilter(entity, filter);
}

export function leadSearchText(lead: LeadRecord): string[] {
  return [lead.name, String(lead.price), ...fieldTexts(lead.custom_fields_values)];
}

export function contactSearchText(contact: ContactRecord): string[] {
  const names = [contact.name, contact.first_name, contact.last_name];
  return [...names.filter(Boolean), ...fieldTexts(contact.custom_fields_values)];
}

export function companySearchText(company: CompanyRecord): string[] {
  return [company.name, ...fieldTexts(company.custom_fields_values)];
}

function fieldTexts(fields: CustomFieldValues[] | null): string[] {
  return (fields ?? []).flatMap(field => field.values.map(v => String(v.value)));
}

function matchesFilter(entity: Entity, filter: QueryObject): boolean {
  for (const key of ['created_at', 'updated_at'] as const) {
    if (!inRange(entity[key], filter[key])) return false;
  }
  return 'status_id' in entity ? matchesLeadFilter(entity, filter) : true;
}

function matchesLeadFilter(lead: LeadRecord, filter: QueryObject): boolean {
  const pipelines = intsOf(filter.pipeline_id);
  if (pipelines.length > 0 && !pipelines.includes(lead.pipeline_id)) return false;
  if (!inRange(lead.price, filter.price)) return false;
  const statuses = typeof filter.statuses === 'object' ? Object.values(filter.statuses) : [];
  if (statuses.length === 0) return true;
  return statuses.some(
    s =>
      intsOf(child(s, 'status_id')).includes(lead.status_id) &&
      intsOf(child(s, 'pipeline_id')).includes(lead.pipeline_id)
  );
}

/** `filter[x][from]` / `[to]` (inclusive), or a single value meaning "exactly". */
function inRange(value: number, range: QueryValue | undefined): boolean {
  if (range === undefined) return true;
  if (typeof range === 'string') return intsOf(range).every(n => n === value);
  const [from] = intsOf(range.from);
  const [to] = intsOf(range.to);
  return (from === undefined || value >= from) && (to === undefined || value <= to);
}

/** `order[updated_at|created_at|id]=asc|desc`; by id ascending otherwise. */
function sortEntities<T extends Entity>(items: T[], order: QueryValue | undefined): T[] {
  const fields = ['updated_at', 'created_at', 'id'] as const;
  const field = typeof order === 'object' ? fields.find(f => order[f] !== undefined) : undefined;
  const desc = field !== undefined && typeof order === 'object' && order[field] === 'desc';
  const key = field ?? 'id';
  return [...items].sort((a, b) => {
    const diff = a[key] - b[key] || a.id - b.id;
    return desc ? -diff : diff;
  });
}

function positiveInt(value: QueryValue | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
