// The filters of GET /api/v4/events (amoCRM «События и Примечания»,
// https://www.amocrm.ru/developers/content/crm_platform/events-and-notes; Kommo "Events
// filtration", https://developers.kommo.com/reference/events-filtration). Every list filter
// takes one value, `[]` values or a comma list (bracket-query.ts):
// filter[id], filter[created_by], filter[entity] (singular types), filter[entity_id] (only with
// exactly one entity type), filter[type] (`custom_field_{ID}_value_changed` picks one field's
// changes), filter[created_at] (one timestamp: from it on; `a,b` or [from]/[to]: inclusive).

import type { EventRecord } from '../types';
import { QueryObject, QueryValue, intsOf, stringsOf } from './bracket-query';
import { ApiError, FieldError, validationProblem } from './problems';

/** The entity types the event list names (singular, as events carry them). */
const ENTITY_TYPES = new Set(['lead', 'contact', 'company', 'customer', 'task']);
const ONE_FIELD_TYPE = /^custom_field_(\d+)_value_changed$/;

type Test = (event: EventRecord) => boolean;

/** The query's filters as one test per event; a filter AmoCRM refuses is a 400. */
export function eventFilter(filter: QueryValue | undefined): Test {
  if (typeof filter !== 'object') return () => true;
  const tests: Test[] = [
    anyOf(stringsOf(filter.id), event => event.id),
    anyOf(intsOf(filter.created_by), event => event.created_by),
    entityTest(filter),
    typeTest(stringsOf(filter.type).map(type => type.trim())),
    createdAtTest(filter.created_at),
  ];
  return event => tests.every(test => test(event));
}

function anyOf<T>(wanted: T[], pick: (event: EventRecord) => T): Test {
  const set = new Set(wanted);
  return event => set.size === 0 || set.has(pick(event));
}

function entityTest(filter: QueryObject): Test {
  const entities = stringsOf(filter.entity).map(entity => entity.trim());
  const unknown = entities.find(entity => !ENTITY_TYPES.has(entity));
  if (unknown !== undefined) refuse('filter[entity]', `Unknown entity type ${unknown}.`);
  const ids = intsOf(filter.entity_id);
  if (ids.length > 0 && entities.length !== 1) {
    refuse('filter[entity_id]', 'filter[entity_id] needs exactly one filter[entity].');
  }
  const byEntity = anyOf(entities, event => event.entity_type);
  const byId = anyOf(ids, event => event.entity_id);
  return event => byEntity(event) && byId(event);
}

/** A type matches itself; `custom_field_{ID}_value_changed` matches that field's changes. */
function typeTest(types: string[]): Test {
  if (types.length === 0) return () => true;
  return event =>
    types.some(type => {
      if (type === event.type) return true;
      const fieldId = ONE_FIELD_TYPE.exec(type)?.[1];
      return fieldId !== undefined && event.type === 'custom_field_value_changed'
        ? fieldIdsOf(event).includes(Number(fieldId))
        : false;
    });
}

function fieldIdsOf(event: EventRecord): number[] {
  return [...event.value_before, ...event.value_after].map(
    value =>
      (value as { custom_field_value?: { field_id: number } }).custom_field_value?.field_id ?? 0
  );
}

/** One timestamp: from it on; `from,to` or [from]/[to]: both ends inclusive. */
function createdAtTest(range: QueryValue | undefined): Test {
  if (range === undefined) return () => true;
  const [from, to] =
    typeof range === 'string' ? intsOf(range) : [intsOf(range.from)[0], intsOf(range.to)[0]];
  return event =>
    (from === undefined || event.created_at >= from) &&
    (to === undefined || event.created_at <= to);
}

/** A refused filter, as the fake's other validation errors (a 400 with validation-errors). */
function refuse(path: string, detail: string): never {
  const error: FieldError = { code: 'NotSupportedChoice', path, detail };
  throw new ApiError(validationProblem([{ request_id: '0', errors: [error] }]));
}
