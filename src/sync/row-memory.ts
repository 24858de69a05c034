// What the sync remembers about one row, kept in the note of the row's sync_status cell so it
// moves with the row when people sort, insert or delete rows (and out of the text people read).
// Per field it holds a hash of the value that the row and AmoCRM both had after the last sync:
// a field whose cell no longer hashes to it was changed by a person; a field whose AmoCRM value
// no longer hashes to it was changed in AmoCRM. That is what lets a person's edit of one field
// and a manager's change of another both survive, and tells a conflict on one field apart.
import { fingerprint } from '../domain/hash';
import { STATUS_KEY } from '../fields/deal-keys';

/** The fixed fields; a mapped column's field is keyed `f<field id>` (see src/fields). */
export type FixedField = 'name' | 'phone' | 'email' | 'budget';
export const SYNC_FIELDS: readonly FixedField[] = ['name', 'phone', 'email', 'budget'];
/** A synced field's key in the memory: a fixed field's name, or a mapped field's key. */
export type SyncField = string;
/** Normalized keys of a row's fields: the fixed four always, mapped fields when present. */
export type FieldKeys = Record<FixedField, string> & Record<SyncField, string>;

export interface RowMemory {
  /** Per field: hash of the value both sides held after the last sync. */
  base: Record<SyncField, string | undefined>;
  /** Epoch ms when the last push of this row began talking to AmoCRM. */
  sentAt?: number;
  /** Epoch ms since when every changed field waits (the row-level time of older notes). */
  editAt?: number;
  /**
   * Per field a person changed that the sync saw but has not sent: the value's hash when it
   * was first seen, and since when it waits (epoch ms). A manager's change of that field made
   * later wins over it. A field that shows another value now holds a newer edit.
   */
  waiting?: Record<SyncField, { hash: string; at: number }>;
  /** Hash of the whole row when AmoCRM refused it for good: not sent again until it changes. */
  refused?: string;
  /** The lead's pipeline when last synced (a status name is a stage of this pipeline). */
  p?: number;
  /**
   * Per contact field (phone, email): hash of the contact's first value when the row last
   * synced showing another of its values (a second phone of a shared contact). While the
   * first stays the same the row keeps its own; a new first value no row shows is a
   * manager's change made since, and the row shows it.
   */
  first?: Partial<Record<'phone' | 'email', string>>;
  /**
   * Per field a pull is writing: the hash of the value the cell held before. The note is
   * written before the cells, so a run killed between the two leaves cells that still hash
   * to it: the write never landed, and they are not the person's edits (see settleMemory).
   */
  was?: Record<SyncField, string>;
}

const PREFIX = 'AmoCRM sync (do not edit): ';

export function parseMemory(note: string): RowMemory | null {
  if (!note.startsWith(PREFIX)) return null;
  try {
    const raw = JSON.parse(note.slice(PREFIX.length)) as {
      b?: Record<string, unknown>;
      s?: unknown;
      e?: unknown;
      w?: Record<string, unknown>;
      r?: unknown;
      p?: unknown;
      f?: Record<string, unknown>;
      o?: Record<string, unknown>;
    };
    const base: RowMemory['base'] = {};
    for (const [f, hash] of Object.entries(raw.b ?? {}))
      if (typeof hash === 'string') base[f] = hash;
    const memory: RowMemory = { base };
    if (typeof raw.s === 'number') memory.sentAt = raw.s;
    if (typeof raw.e === 'number') memory.editAt = raw.e;
    const waiting = waitingOf(raw.w);
    if (waiting) memory.waiting = waiting;
    if (typeof raw.r === 'string') memory.refused = raw.r;
    if (typeof raw.p === 'number') memory.p = raw.p;
    const first = firstOf(raw.f);
    if (first) memory.first = first;
    const was = Object.entries(raw.o ?? {}).filter(([, h]) => typeof h === 'string');
    if (was.length > 0) memory.was = Object.fromEntries(was) as Record<SyncField, string>;
    return memory;
  } catch {
    return null;
  }
}

export function formatMemory(memory: RowMemory): string {
  const out: Record<string, unknown> = { b: memory.base };
  if (memory.sentAt !== undefined) out.s = memory.sentAt;
  if (memory.editAt !== undefined) out.e = memory.editAt;
  if (memory.waiting && Object.keys(memory.waiting).length > 0) {
    out.w = Object.fromEntries(
      Object.entries(memory.waiting).map(([f, w]) => [f, [w.hash, w.at]] as const)
    );
  }
  if (memory.refused !== undefined) out.r = memory.refused;
  if (memory.p !== undefined) out.p = memory.p;
  if (memory.first && Object.keys(memory.first).length > 0) out.f = memory.first;
  if (memory.was && Object.keys(memory.was).length > 0) out.o = memory.was;
  return PREFIX + JSON.stringify(out);
}

/**
 * Settles a pull's write against the cells as they are: a cell that still holds the value the
 * pull replaced was never written (its run died after the note), so that value is its base.
 */
export function settleMemory(memory: RowMemory, keys: Record<SyncField, string>): RowMemory {
  if (!memory.was) return memory;
  for (const [field, hash] of Object.entries(memory.was)) {
    if (keys[field] !== undefined && fieldHash(field, keys[field]) === hash) {
      memory.base[field] = hash;
    }
  }
  delete memory.was;
  return memory;
}

function waitingOf(raw: Record<string, unknown> | undefined): RowMemory['waiting'] | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const out: NonNullable<RowMemory['waiting']> = {};
  for (const [f, v] of Object.entries(raw)) {
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number') {
      out[f] = { hash: v[0], at: v[1] };
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function firstOf(raw: Record<string, unknown> | undefined): RowMemory['first'] | undefined {
  if (!raw) return undefined;
  const out: NonNullable<RowMemory['first']> = {};
  if (typeof raw.phone === 'string') out.phone = raw.phone;
  if (typeof raw.email === 'string') out.email = raw.email;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Remembers (or forgets) the contact's first value beside the one the row shows. */
export function rememberFirst(
  memory: RowMemory,
  field: 'phone' | 'email',
  firstKey: string | undefined
): void {
  if (firstKey === undefined) {
    if (memory.first) delete memory.first[field];
    if (memory.first && Object.keys(memory.first).length === 0) delete memory.first;
    return;
  }
  memory.first = { ...memory.first, [field]: fieldHash(field, firstKey) };
}

/** The hash a field's normalized value is remembered by. */
export function fieldHash(field: SyncField, key: string): string {
  return fingerprint([field, key]).slice(0, 8);
}

/** Fields whose current value (as normalized keys) differs from what was last synced. */
export function changedFields(memory: RowMemory, keys: Record<SyncField, string>): SyncField[] {
  return Object.keys(keys).filter(f => personChanged(memory, f, keys[f]));
}

/**
 * Whether the cell's key differs from what was last synced. A mapped field the memory has no
 * hash for (its column was added after the row last synced) counts as the person's only when
 * the cell holds something: an empty new column takes AmoCRM's values, a filled one is sent.
 */
export function personChanged(memory: RowMemory, field: SyncField, key: string): boolean {
  const base = memory.base[field];
  // The status cell shows AmoCRM's stage unless a person's edit of it is still to be sent.
  // Its hash is kept like any field's, so an edit event that names a row's status cell after
  // the rows moved (a sort, a paste) does not send the stage of the row now there. A row
  // synced before status hashes were kept has none: the on-edit event alone tells its edit.
  if (field === STATUS_KEY) {
    return base === STATUS_EDITED || (base !== undefined && base !== fieldHash(field, key));
  }
  if (base === undefined && !isFixed(field)) return key !== '';
  // Set back to the synced value after an unsent edit was seen: that is an edit too, later
  // than the one it replaces (a manager's change in between must not win over it).
  if (memory.waiting?.[field] !== undefined) return true;
  return base !== fieldHash(field, key);
}

/** The status cell holds a person's edit not yet in AmoCRM. */
export const STATUS_EDITED = '!';

/** Remembers a field's value as what both sides hold. */
export function rememberSynced(memory: RowMemory, field: SyncField, key: string): void {
  memory.base[field] = fieldHash(field, key);
}

function isFixed(field: SyncField): boolean {
  return (SYNC_FIELDS as readonly string[]).includes(field);
}

/** A memory whose base is exactly these values. */
export function memoryOf(keys: Record<SyncField, string>, sentAt?: number): RowMemory {
  const base: RowMemory['base'] = {};
  for (const f of Object.keys(keys)) base[f] = fieldHash(f, keys[f]);
  return sentAt === undefined ? { base } : { base, sentAt };
}

/** A hash of the fixed fields (what AmoCRM refused for good is known by it). */
export function wholeHash(keys: Record<FixedField, string>): string {
  return fingerprint(SYNC_FIELDS.map(f => keys[f]));
}

/**
 * Since when a field's edit waits, if the sync saw this very value unsent before (older notes:
 * the row's one time for every changed field); undefined for a value not seen before.
 */
export function waitingSince(memory: RowMemory, field: SyncField, key: string): number | undefined {
  if (!memory.waiting) return memory.editAt;
  const w = memory.waiting[field];
  return w && w.hash === fieldHash(field, key) ? w.at : undefined;
}

/**
 * The sync sees the row's changed fields (against the memory) without sending them now: a
 * value not seen before waits from `at`; a field no longer changed waits no more.
 */
export function noteWaiting(memory: RowMemory, at: number, keys: Record<SyncField, string>): void {
  const changed = changedFields(memory, keys);
  const waiting: NonNullable<RowMemory['waiting']> = {};
  for (const f of changed) {
    waiting[f] = { hash: fieldHash(f, keys[f]), at: waitingSince(memory, f, keys[f]) ?? at };
  }
  delete memory.editAt;
  if (changed.length > 0) memory.waiting = waiting;
  else delete memory.waiting;
}

/** These fields were sent (or AmoCRM's value replaced them): they wait no more. */
export function forgetWaiting(memory: RowMemory, fields: SyncField[]): void {
  for (const f of fields) delete memory.waiting?.[f];
  if (memory.waiting && Object.keys(memory.waiting).length === 0) delete memory.waiting;
}
