// What the sync remembers about one row, kept in the note of the row's sync_status cell so it
// moves with the row when people sort, insert or delete rows (and out of the text people read).
// Per field it holds a hash of the value that the row and AmoCRM both had after the last sync:
// a field whose cell no longer hashes to it was changed by a person; a field whose AmoCRM value
// no longer hashes to it was changed in AmoCRM. That is what lets a person's edit of one field
// and a manager's change of another both survive, and tells a conflict on one field apart.
import { fingerprint } from '../domain/hash';

export type SyncField = 'name' | 'phone' | 'email' | 'budget';
export const SYNC_FIELDS: readonly SyncField[] = ['name', 'phone', 'email', 'budget'];

export interface RowMemory {
  /** Per field: hash of the value both sides held after the last sync. */
  base: Partial<Record<SyncField, string>>;
  /** Epoch ms when the last push of this row began talking to AmoCRM. */
  sentAt?: number;
  /** Epoch ms when the sync first saw a person's edit it has not sent yet. */
  editAt?: number;
  /** Hash of the whole row when AmoCRM refused it for good: not sent again until it changes. */
  refused?: string;
}

const PREFIX = 'AmoCRM sync (do not edit): ';

export function parseMemory(note: string): RowMemory | null {
  if (!note.startsWith(PREFIX)) return null;
  try {
    const raw = JSON.parse(note.slice(PREFIX.length)) as {
      b?: Record<string, unknown>;
      s?: unknown;
      e?: unknown;
      r?: unknown;
    };
    const base: RowMemory['base'] = {};
    for (const f of SYNC_FIELDS) if (typeof raw.b?.[f] === 'string') base[f] = raw.b[f] as string;
    const memory: RowMemory = { base };
    if (typeof raw.s === 'number') memory.sentAt = raw.s;
    if (typeof raw.e === 'number') memory.editAt = raw.e;
    if (typeof raw.r === 'string') memory.refused = raw.r;
    return memory;
  } catch {
    return null;
  }
}

export function formatMemory(memory: RowMemory): string {
  const out: Record<string, unknown> = { b: memory.base };
  if (memory.sentAt !== undefined) out.s = memory.sentAt;
  if (memory.editAt !== undefined) out.e = memory.editAt;
  if (memory.refused !== undefined) out.r = memory.refused;
  return PREFIX + JSON.stringify(out);
}

/** The hash a field's normalized value is remembered by. */
export function fieldHash(field: SyncField, key: string): string {
  return fingerprint([field, key]).slice(0, 8);
}

/** Fields whose current value (as normalized keys) differs from what was last synced. */
export function changedFields(memory: RowMemory, keys: Record<SyncField, string>): SyncField[] {
  return SYNC_FIELDS.filter(f => memory.base[f] !== fieldHash(f, keys[f]));
}

/** A memory whose base is exactly these values. */
export function memoryOf(keys: Record<SyncField, string>, sentAt?: number): RowMemory {
  const base: RowMemory['base'] = {};
  for (const f of SYNC_FIELDS) base[f] = fieldHash(f, keys[f]);
  return sentAt === undefined ? { base } : { base, sentAt };
}

export function wholeHash(keys: Record<SyncField, string>): string {
  return fingerprint(SYNC_FIELDS.map(f => keys[f]));
}
