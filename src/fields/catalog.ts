// The account's custom-field definitions (leads and contacts) that columns may map to: read
// from AmoCRM at setup and whenever AmoCRM's fields are seen to change (a value names a field
// or an option the saved copy does not know), and kept in Script Properties between runs, so
// no ordinary sync spends a request on them. Properties hold at most 9 KB per value, so the
// compact JSON is split over numbered keys.
import { AMO_LIMITS, listContactCustomFields, listLeadCustomFields, listUsers } from '../amo/calls';
import { AmoError } from '../amo/errors';
import { fetchPages } from '../amo/batching';
import type { AmoRunner } from '../amo/client';
import type { AmoUser, CustomField, CustomFieldValue } from '../amo/types';
import type { KeyValueStore } from '../ports';

export type FieldSide = 'lead' | 'contact';

/** One custom field as the sync keeps it; `enums` in AmoCRM's option order. */
export interface FieldDef {
  id: number;
  side: FieldSide;
  name: string;
  type: string;
  code: string | null;
  enums: Array<{ id: number; value: string }>;
}

export interface FieldCatalog {
  fields: FieldDef[];
  /**
   * The account's users; null when this token may not read them (not an administrator);
   * undefined when not read (only a sheet with a responsible column needs them).
   */
  users?: Array<{ id: number; name: string }> | null;
  /** Epoch ms of the read. */
  at: number;
}

export const CATALOG_KEY = 'SYNC_FIELD_CATALOG';
const CHUNK_CHARS = 8000;
const MAX_CHUNKS = 20;

/** Reads every lead and contact custom field (two lists, paged). */
export function readCatalog(amo: AmoRunner, now: number, withUsers: boolean): FieldCatalog {
  const limit = AMO_LIMITS.pageSize;
  // The lists side by side: one round trip for an account with under 250 of each.
  const [leads, contacts, users] = fetchPages<CustomField | AmoUser>(amo, [
    n => listLeadCustomFields({ limit, page: n }),
    n => listContactCustomFields({ limit, page: n }),
    ...(withUsers ? [(n: number) => listUsers({ limit, page: n })] : []),
  ]);
  const list = <T>(r: typeof leads): T[] => {
    if (!r.ok) throw r.error;
    return r.value as T[];
  };
  const catalog: FieldCatalog = {
    fields: [
      ...list<CustomField>(leads).map(f => toDef(f, 'lead')),
      ...list<CustomField>(contacts).map(f => toDef(f, 'contact')),
    ],
    at: now,
  };
  if (users) {
    // Reading users is for administrators: without the right the responsible column says so.
    const denied = !users.ok && users.error instanceof AmoError && users.error.status === 403;
    catalog.users = denied ? null : list<AmoUser>(users).map(u => ({ id: u.id, name: u.name }));
  }
  return catalog;
}

function toDef(field: CustomField, side: FieldSide): FieldDef {
  const enums = [...(field.enums ?? [])]
    .sort((a, b) => a.sort - b.sort)
    .map(e => ({ id: e.id, value: e.value }));
  return { id: field.id, side, name: field.name, type: field.type, code: field.code, enums };
}

type Packed = [number, 0 | 1, string, string, string | null, Array<[number, string]>];

export function saveCatalog(props: KeyValueStore, catalog: FieldCatalog): void {
  const packed: Packed[] = catalog.fields.map(f => [
    f.id,
    f.side === 'lead' ? 0 : 1,
    f.type,
    f.name,
    f.code,
    f.enums.map(e => [e.id, e.value]),
  ]);
  const users =
    catalog.users === undefined ? -1 : (catalog.users?.map(u => [u.id, u.name]) ?? null);
  const text = JSON.stringify({ at: catalog.at, f: packed, u: users });
  const chunks: Record<string, string> = {};
  for (let i = 0; i * CHUNK_CHARS < text.length && i < MAX_CHUNKS; i++) {
    chunks[chunkKey(i)] = text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
  }
  if (text.length > CHUNK_CHARS * MAX_CHUNKS) return;
  const stale = Object.keys(props.getAll()).filter(k => k.startsWith(CATALOG_KEY) && !chunks[k]);
  props.setAll(chunks);
  for (const key of stale) props.delete(key);
}

/** The saved catalog, or null when there is none (or it cannot be read). */
export function loadCatalog(all: Record<string, string>): FieldCatalog | null {
  let text = '';
  for (let i = 0; all[chunkKey(i)] !== undefined; i++) text += all[chunkKey(i)];
  if (!text) return null;
  try {
    const raw = JSON.parse(text) as {
      at: number;
      f: Packed[];
      u?: Array<[number, string]> | null | -1;
    };
    const fields = raw.f.map(([id, side, type, name, code, enums]) => ({
      id,
      side: side === 0 ? ('lead' as const) : ('contact' as const),
      type,
      name,
      code,
      enums: enums.map(([eid, value]) => ({ id: eid, value })),
    }));
    const catalog: FieldCatalog = { fields, at: raw.at };
    if (Array.isArray(raw.u)) catalog.users = raw.u.map(([id, name]) => ({ id, name }));
    else if (raw.u === null) catalog.users = null;
    return catalog;
  } catch {
    return null;
  }
}

function chunkKey(i: number): string {
  return i === 0 ? CATALOG_KEY : `${CATALOG_KEY}_${i}`;
}

/**
 * True when an entity's values name a field, or an option of a field, the catalog does not
 * know: someone changed AmoCRM's fields since the catalog was read.
 */
export function catalogOutdated(
  catalog: FieldCatalog,
  values: CustomFieldValue[] | null | undefined
): boolean {
  for (const value of values ?? []) {
    const def = catalog.fields.find(f => f.id === value.field_id);
    if (!def) return value.field_code === null || value.field_code === undefined;
    if (def.enums.length === 0 || def.type === 'multitext') continue;
    if (value.values.some(v => v.enum_id && !def.enums.some(e => e.id === v.enum_id))) return true;
  }
  return false;
}
