// The account's contacts as a run last listed them, kept in the script cache so that the next
// run (an import's second run, a paste an hour later) reads only what changed since instead
// of every page again. Only what matching needs is kept: each contact's id, updated_at, name
// and its phones and emails as AmoCRM stores them (a patch resends them unchanged). The cache may drop
// any entry at any time: a snapshot with a missing chunk is no snapshot, and the caller lists
// the account again.
import type { Contact, CustomFieldValue } from '../amo/types';
import type { CachePort } from '../ports';

const META_KEY = 'SYNC_CONTACTS';
/** The format of the rows; another version is no snapshot (listed again). */
const VERSION = 2;
/** A value may hold 100 KB (UTF-8); a chunk keeps half of that free (the day-of-quota headroom). */
const CHUNK_BYTES = 45 * 1024;
/** Long enough for an import's next runs and the pastes of the next hour. */
export const SNAPSHOT_TTL_S = 60 * 60;

export interface Snapshot {
  /** Unix seconds from which a change may be missing from `contacts` (the listing's start). */
  listedAt: number;
  /** The highest id known when the listing (or the last refresh) was made. */
  maxId: number;
  /**
   * Unix seconds since which this script created no contact: contacts with a higher id that
   * changed in AmoCRM before it are ours, as we made them (see account-contacts.ts).
   */
  since: number;
  /** Epoch ms of the full listing this snapshot grew from. */
  fullAt: number;
  contacts: Map<number, Contact>;
}

interface Meta {
  v: number;
  gen: string;
  chunks: number;
  listedAt: number;
  maxId: number;
  since: number;
  fullAt: number;
}

/** A phone or email as stored: its text, and its enum code when not WORK. */
type StoredValue = string | [string, string];
/** [id, updated_at, phones, emails, name] */
type Row = [number, number, StoredValue[], StoredValue[], string];

/** The snapshot's header, or null (none, or not this format): one cache read. */
export function snapshotMeta(cache: CachePort): Meta | null {
  const raw = cache.get(META_KEY);
  if (!raw) return null;
  try {
    const meta = JSON.parse(raw) as Meta;
    return meta.v === VERSION ? meta : null;
  } catch {
    return null;
  }
}

/** The whole snapshot, or null when the cache lost any part of it. */
export function loadSnapshot(cache: CachePort, meta: Meta): Snapshot | null {
  const keys = Array.from({ length: meta.chunks }, (_, i) => chunkKey(meta.gen, i));
  const values = keys.length > 0 ? cache.getAll(keys) : {};
  const contacts = new Map<number, Contact>();
  for (const key of keys) {
    const chunk = values[key];
    if (chunk === undefined) return null;
    for (const row of JSON.parse(chunk) as Row[]) contacts.set(row[0], fromRow(row));
  }
  const { listedAt, maxId, since, fullAt } = meta;
  return { listedAt, maxId, since, fullAt, contacts };
}

/**
 * Writes the snapshot under a new generation in one call (its header last in the same call),
 * then drops the previous generation's chunks, which the header no longer names.
 */
export function saveSnapshot(cache: CachePort, snapshot: Snapshot, gen: string): void {
  const old = snapshotMeta(cache);
  const chunks = chunked([...snapshot.contacts.values()].map(c => JSON.stringify(toRow(c))));
  const meta: Meta = {
    v: VERSION,
    gen,
    chunks: chunks.length,
    listedAt: snapshot.listedAt,
    maxId: snapshot.maxId,
    since: snapshot.since,
    fullAt: snapshot.fullAt,
  };
  const values: Record<string, string> = {};
  chunks.forEach((chunk, i) => (values[chunkKey(gen, i)] = chunk));
  values[META_KEY] = JSON.stringify(meta);
  cache.putAll(values, SNAPSHOT_TTL_S);
  if (old && old.gen !== gen) {
    cache.removeAll(Array.from({ length: old.chunks }, (_, i) => chunkKey(old.gen, i)));
  }
}

/** Forgets the snapshot: the next run lists the account again. */
export function dropSnapshot(cache: CachePort): void {
  cache.remove(META_KEY);
}

function chunkKey(gen: string, i: number): string {
  return `${META_KEY}_${gen}_${i}`;
}

function chunked(rows: string[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    const size = utf8Length(row) + 1;
    if (current.length > 0 && bytes + size > CHUNK_BYTES) {
      out.push(`[${current.join(',')}]`);
      current = [];
      bytes = 2;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) out.push(`[${current.join(',')}]`);
  return out;
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    n += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xdc00 ? 2 : 3;
  }
  return n;
}

function toRow(contact: Contact): Row {
  const values = (code: string): StoredValue[] =>
    (contact.custom_fields_values ?? [])
      .filter(f => f.field_code === code)
      .flatMap(f => f.values)
      .filter(v => v.value !== null && v.value !== undefined && v.value !== '')
      .map(v => {
        const text = String(v.value);
        const enumCode = v.enum_code ?? 'WORK';
        return enumCode === 'WORK' ? text : [text, enumCode];
      });
  return [contact.id, contact.updated_at, values('PHONE'), values('EMAIL'), contact.name ?? ''];
}

function fromRow([id, updatedAt, phones, emails, name]: Row): Contact {
  const field = (code: string, values: StoredValue[]): CustomFieldValue[] =>
    values.length === 0
      ? []
      : [
          {
            field_id: 0,
            field_code: code,
            values: values.map(v =>
              typeof v === 'string'
                ? { value: v, enum_code: 'WORK' }
                : { value: v[0], enum_code: v[1] }
            ),
          },
        ];
  return storedContact(id, updatedAt, [...field('PHONE', phones), ...field('EMAIL', emails)], name);
}

/** A contact as the snapshot knows it: what matching and patches read, nothing more. */
export function storedContact(
  id: number,
  updatedAt: number,
  fields: CustomFieldValue[],
  name: string
): Contact {
  return {
    id,
    name,
    responsible_user_id: 0,
    group_id: 0,
    created_by: 0,
    updated_by: 0,
    created_at: 0,
    updated_at: updatedAt,
    closest_task_at: null,
    custom_fields_values: fields,
    account_id: 0,
  };
}
