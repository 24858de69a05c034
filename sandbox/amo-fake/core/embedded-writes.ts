// The `_embedded` part of a written lead, contact or company: tags (by id or by name, AmoCRM
// creates a named tag on first use; an empty list clears them), contacts linked to a lead, and
// a lead's company (`_embedded.companies: [{id}]`, at most one; an empty list unlinks it).

import type { TagRecord, TaggedEntity } from '../types';
import type { AccountState } from './account-state';
import { isObject } from './custom-fields';
import { ItemErrors, fieldError } from './problems';

export type TagRef = { id: number } | { name: string };

export function planTags(
  raw: Record<string, unknown>,
  state: AccountState,
  errors: ItemErrors,
  prefix: string,
  entity: TaggedEntity
): TagRef[] | undefined {
  const list = embeddedList(raw, 'tags', errors, prefix);
  if (list === undefined) return undefined;
  const refs: TagRef[] = [];
  list.forEach((item, i) => {
    const path = `${prefix}_embedded.tags.${i}`;
    if (isObject(item) && typeof item.id === 'number' && state.tagById(item.id, entity)) {
      refs.push({ id: item.id });
    } else if (isObject(item) && typeof item.name === 'string' && item.name.trim() !== '') {
      refs.push({ name: item.name.trim() });
    } else
      errors.add(fieldError.choice(`${path}.${isObject(item) && 'id' in item ? 'id' : 'name'}`));
  });
  return refs;
}

/** The stored tags of a plan's refs, each tag once. */
export function resolveTags(
  refs: TagRef[],
  state: AccountState,
  entity: TaggedEntity
): TagRecord[] {
  const tags = refs.map(ref =>
    'id' in ref
      ? (state.tagById(ref.id, entity) ?? { id: ref.id, name: '' })
      : state.tagByName(ref.name, entity)
  );
  return tags
    .filter((tag, i) => tags.findIndex(t => t.id === tag.id) === i)
    .map(tag => ({ id: tag.id, name: tag.name, color: tag.color ?? null }));
}

export function planContactLinks(
  raw: Record<string, unknown>,
  state: AccountState,
  errors: ItemErrors,
  prefix: string
): Array<{ id: number; isMain?: boolean }> {
  const list = embeddedList(raw, 'contacts', errors, prefix) ?? [];
  const links: Array<{ id: number; isMain?: boolean }> = [];
  list.forEach((item, i) => {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id === 'number' && state.contact(id)) {
      const isMain = isObject(item) && typeof item.is_main === 'boolean' ? item.is_main : undefined;
      links.push({ id, isMain });
    } else errors.add(fieldError.choice(`${prefix}_embedded.contacts.${i}.id`));
  });
  return links;
}

/** The lead's company: an existing company id, null to unlink ([]), undefined when not given. */
export function planCompanyLink(
  raw: Record<string, unknown>,
  state: AccountState,
  errors: ItemErrors,
  prefix: string
): number | null | undefined {
  const list = embeddedList(raw, 'companies', errors, prefix);
  if (list === undefined) return undefined;
  if (list.length === 0) return null;
  if (list.length > 1) {
    errors.add(fieldError.tooMany(`${prefix}_embedded.companies`, 1));
    return undefined;
  }
  const id = isObject(list[0]) ? list[0].id : undefined;
  if (typeof id === 'number' && state.company(id)) return id;
  errors.add(fieldError.choice(`${prefix}_embedded.companies.0.id`));
  return undefined;
}

export function embeddedList(
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
