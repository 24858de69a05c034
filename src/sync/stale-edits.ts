// Edits an earlier run already saw but could not send (the lock was busy, AmoCRM failed, an
// import only makes new rows). By the time a run sends one, a manager may have changed the same
// field in AmoCRM: the later change must win. A fresh edit (the one the on-edit event names, and
// not a value the memory already holds as waiting) is the latest change there is and goes
// without a look; an older one is checked against AmoCRM first, and a field AmoCRM changed after
// the edit was first seen is not sent. Its row is queued for a pull, which shows AmoCRM's value
// (see applyRow: AmoCRM's change is the later).
import type { Contact, Lead } from '../amo/types';
import { mainContactId } from '../amo/fields';
import { PIPELINE_KEY, STATUS_KEY } from '../fields/deal-keys';
import { boundFields } from '../fields/sheet-fields';
import type { SheetTable } from '../sheet/table';
import { contactsByIds, leadsByIds } from './amo-reads';
import type { SyncContext } from './context';
import { queuePull } from './pending';
import { AmoFields, amoFields } from './pull';
import { askChanges, ChangeAnswers, ChangeRef, changedAfter } from './field-changes';
import type { UpdateItem } from './push-send';
import {
  fieldHash,
  formatMemory,
  noteWaiting,
  STATUS_EDITED,
  type SyncField,
  waitingSince,
} from './row-memory';
import type { RowView } from './row-view';
import { statusNameFor } from './statuses';

/** An update's fields an earlier run saw unsent, with what is needed to compare them. */
export interface StaleEdit {
  /** Per field: since when the sync has seen its value unsent (the row's memory). */
  at: Record<SyncField, number>;
  fields: SyncField[];
  view: Pick<RowView, 'keys' | 'fields'>;
  base: Record<SyncField, string | undefined>;
  /** The phones and emails other rows sharing the contact show: their values, not changes. */
  others: { phone: Set<string>; email: Set<string> };
}

/**
 * A run that reads a row and does not send its edits now (it only imports, another run holds
 * its contact, AmoCRM's values it read are older than the row's): they wait from `at`, and the
 * row's memory note says so (written only when that changes it).
 */
export function noteSeen(
  table: SheetTable,
  view: Pick<RowView, 'row' | 'memory' | 'keys'>,
  at: number
): void {
  if (!view.memory) return;
  const memory = { ...view.memory };
  noteWaiting(memory, at, view.keys);
  const note = formatMemory(memory);
  if (note !== formatMemory(view.memory)) table.setNote(view.row, note);
}

/** The cells an on-edit event names: their edits are fresh. */
export interface FreshCells {
  rows: Set<number>;
  /** 1-based, inclusive. */
  columns: [number, number];
  /** When the on-edit run started (epoch ms): the edit is older. */
  at?: number;
}

/**
 * The fields of this update that an earlier run already saw unsent (none for a fresh edit).
 * A field whose very value the memory saw waiting is that old edit even when an on-edit event
 * names its cell now (the event came late); only older notes, which keep one time for the
 * whole row, leave a named cell fresh.
 */
export function staleEdit(
  table: SheetTable,
  view: RowView,
  fields: SyncField[],
  fresh: FreshCells | null,
  now: number,
  siblings: RowView[] = []
): StaleEdit | undefined {
  const memory = view.memory;
  if (!memory) return undefined;
  const at: Record<SyncField, number> = {};
  for (const f of fields) {
    const since = waitingSince(memory, f, view.keys[f] ?? '');
    if (since === undefined || since >= now) continue;
    if (!memory.waiting && isFresh(table, view, f, fresh)) continue;
    at[f] = since;
  }
  const old = Object.keys(at);
  if (old.length === 0) return undefined;
  const others = {
    phone: new Set(siblings.map(v => v.keys.phone)),
    email: new Set(siblings.map(v => v.keys.email)),
  };
  return { at, fields: old, view, base: memory.base, others };
}

export function isFresh(
  table: SheetTable,
  view: RowView,
  field: SyncField,
  fresh: FreshCells | null
): boolean {
  if (!fresh || !fresh.rows.has(view.row.rowNumber)) return false;
  const index = columnOf(table, view, field);
  return index !== undefined && index + 1 >= fresh.columns[0] && index + 1 <= fresh.columns[1];
}

/** The 0-based column a field is read from. */
function columnOf(table: SheetTable, view: RowView, field: SyncField): number | undefined {
  if (field === STATUS_KEY) return table.columns.status;
  if (field === PIPELINE_KEY) return boundFields(table)?.pipelineIndex;
  const fixed = table.columns[field as keyof typeof table.columns];
  if (typeof fixed === 'number') return fixed;
  return view.fields.find(c => c.column.key === field)?.column.index;
}

/**
 * Reads the leads (and contacts) of updates with stale fields and leaves out each field AmoCRM
 * changed after the edit was first seen; those rows are queued for a pull. Returns the updates
 * still to send (an update with nothing left is dropped).
 */
export function holdLaterChanges(ctx: SyncContext, updates: UpdateItem[]): UpdateItem[] {
  const stale = updates.filter(u => u.stale);
  if (stale.length === 0) return updates;
  const dealIds = [...new Set(stale.map(u => u.dealId))];
  const leads = new Map(leadsByIds(ctx.amo, dealIds).map(l => [l.id, l]));
  const contactIds = [
    ...new Set(
      stale.flatMap(u => {
        const lead = leads.get(u.dealId);
        const id = (lead && mainContactId(lead)) ?? u.contactId;
        return id === null ? [] : [id];
      })
    ),
  ];
  const contacts = new Map<number, Contact>(
    (contactIds.length > 0 ? contactsByIds(ctx.amo, contactIds) : []).map(c => [c.id, c])
  );
  // What AmoCRM holds for each stale field, and which of them differ from what was synced.
  const amo = new Map<UpdateItem, AmoFields>();
  for (const item of stale) {
    const lead = leads.get(item.dealId);
    if (lead) amo.set(item, amoNow(ctx, item.stale as StaleEdit, lead, contacts));
  }
  const answers = askChanges(
    ctx.amo,
    [...amo].flatMap(([item, fields]) => questions(item.stale as StaleEdit, fields))
  );
  const held: number[] = [];
  const out: UpdateItem[] = [];
  for (const item of updates) {
    const fields = amo.get(item);
    const later = item.stale && fields ? laterInAmo(item.stale, fields, answers) : [];
    if (later.length === 0) {
      out.push(item);
      continue;
    }
    held.push(item.dealId);
    const rest = item.fields.filter(f => !later.includes(f));
    if (rest.length > 0) out.push({ ...item, fields: rest, held: later });
  }
  if (held.length > 0) {
    queuePull(ctx.props, ctx.uuid(), { leadIds: held, contactIds: [], deletedLeadIds: [] });
  }
  return out;
}

function amoNow(
  ctx: SyncContext,
  stale: StaleEdit,
  lead: Lead,
  contacts: Map<number, Contact>
): AmoFields {
  const contact = contacts.get(mainContactId(lead) ?? -1) ?? null;
  const status = statusNameFor(ctx, lead.pipeline_id, lead.status_id);
  return amoFields(ctx, stale.view, { lead, contact, status });
}

/** The stale fields whose AmoCRM value differs from what was synced (conflicts, maybe). */
function conflicts(stale: StaleEdit, amo: AmoFields): SyncField[] {
  return stale.fields.filter(f => {
    const now = amo[f];
    const base = stale.base[f];
    // A status edit kept as "edited" says nothing of what AmoCRM had: it is sent.
    if (now === undefined || base === undefined || base === STATUS_EDITED) return false;
    // Another row's phone or email of a shared contact is that row's, not a change of this one.
    if ((f === 'phone' || f === 'email') && stale.others[f].has(now.key)) return false;
    return base !== fieldHash(f, now.key);
  });
}

function questions(
  stale: StaleEdit,
  amo: AmoFields
): Array<{ ref: ChangeRef | null; since: number }> {
  return conflicts(stale, amo).map(f => ({ ref: amo[f]?.ref ?? null, since: stale.at[f] }));
}

/** The stale fields AmoCRM changed after the edit was first seen. */
function laterInAmo(stale: StaleEdit, amo: AmoFields, answers: ChangeAnswers): SyncField[] {
  return conflicts(stale, amo).filter(f =>
    changedAfter(amo[f] as { at: number; ref?: ChangeRef | null }, stale.at[f] ?? Infinity, answers)
  );
}
