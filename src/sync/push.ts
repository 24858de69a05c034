// Sheet → AmoCRM. Three phases, so the script lock is held only around decisions and writes:
//  1. under the lock: read the sheet, decide per row (create, update the fields a person
//     changed, unchanged, invalid, busy), give new rows their external_id, claim the rows to
//     create (and the emails and phones whose contact may be new), write that down;
//  2. without the lock: talk to AmoCRM (adopting leads a dead execution created first);
//  3. under the lock: re-read the sheet, find each row again by its identity (people may have
//     sorted, inserted or pasted rows meanwhile), write only the cells the results change,
//     flush, and only then release the claim.
// One row, one lead: a row is created only by the execution that claimed it, and a claim is
// released only when its rows are linked in the sheet or its leads are proven absent.
import { AmoError } from '../amo/errors';
import { listLeads } from '../amo/calls';
import type { Lead } from '../amo/types';
import { externalIdTime, newExternalId } from '../domain/ids';
import { displayName, RowData } from '../domain/row-data';
import { PERSON_COLUMNS } from '../sheet/headers';
import type { SheetTable, TableRow } from '../sheet/table';
import { fetchAllPages } from '../amo/batching';
import { mainContactId } from '../amo/fields';
import { contactsByIds, healRowIdField, leadExternalId, rowIdFieldId } from './amo-reads';
import {
  Claim,
  ClaimView,
  contactClaimed,
  isClaimed,
  orphanClaim,
  PropertiesFullError,
  readClaims,
  removeClaims,
  writeClaim,
} from './claims';
import { STATE } from './config';
import type { SyncContext } from './context';
import {
  CreateItem,
  KeptValues,
  Outcome,
  Outcomes,
  RowsLinking,
  sendPush,
  UpdateItem,
} from './push-send';
import {
  changedFields,
  forgetWaiting,
  noteWaiting,
  fieldHash,
  formatMemory,
  memoryOf,
  settleMemory,
  parseMemory,
  FixedField,
  RowMemory,
  rememberFirst,
  rememberSynced,
  STATUS_EDITED,
  SYNC_FIELDS,
  SyncField,
  wholeHash,
} from './row-memory';
import { dealCells, PipelinesNeeded } from '../fields/deal';
import { showDeal } from '../fields/deal-outcome';
import { PIPELINE_KEY, STATUS_KEY } from '../fields/deal-keys';
import { boundFields, FieldCell } from '../fields/sheet-fields';
import { cutShort, fieldKey, idKeepers, RowView, showsSynced, viewRow } from './row-view';
import { queuePull } from './pending';
import { FreshCells, holdLaterChanges, isFresh, noteSeen, staleEdit } from './stale-edits';
import { statusNameFor } from './statuses';
import { findable, readLookedUp, readSyncedRows, readSyncedTable } from './synced-rows';
import { needsRetry, RESCAN_KEY } from './rescan';
import { parseSyncStatus, rowStatus } from './sync-status';
import { messages } from '../i18n/messages';

/**
 * Which rows a push looks at: the rows an edit touched (and, when given, the 1-based columns
 * it touched: an edit of script-owned or foreign columns alone is no sync; `firedAt`: when the
 * on-edit run started, the edit being older), or the whole sheet.
 */
export type PushScope = { rows: number[]; columns?: [number, number]; firedAt?: number } | 'all';

export interface PushReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  /** Rows left for a later run (out of time, another execution on them, lock busy). */
  pending: number;
  lockBusy: boolean;
}

/** How long an execution waits for another one's lock before leaving its work for later. */
export const LOCK_WAIT_MS = 10000;
const RECOVERY_SLACK_S = 120;

interface Plan {
  creates: CreateItem[];
  updates: UpdateItem[];
  /** Stale claims: their leads may exist; AmoCRM is asked before anything is created. */
  recoverFrom: Claim[];
  /** Leads linked from some row when the plan was made. */
  linked: Set<number>;
  /** When the plan was made (a failed row's edit is at least this old). */
  at: number;
  /** The edit touched the status column: its rows' status cells are the person's. */
  statusEdited?: boolean;
  /** The cells the on-edit event names (their edits are fresh); null for a whole push. */
  fresh?: FreshCells | null;
  /** Linked rows whose memory a dead run never wrote: the pull reads their records first. */
  readFirst: { leadIds: number[]; contactIds: number[] };
  report: PushReport;
}

interface AmoResult {
  outcomes: Outcomes;
  /** Stale claims whose rows are now proven linked or absent. */
  resolved: Claim[];
}

export function push(ctx: SyncContext, scope: PushScope, onlyNew = false): PushReport {
  const decided = decide(ctx, scope, onlyNew);
  if (!decided) return emptyReport({ lockBusy: true, pending: 1 });
  const { plan, claimKey } = decided;
  // (Queued once the sheet is written: a flow writes the rows it read with no call between.)
  if (plan.readFirst.leadIds.length > 0) {
    queuePull(ctx.props, ctx.uuid(), { ...plan.readFirst, deletedLeadIds: [] });
  }
  const recover = plan.recoverFrom.length > 0 && (plan.creates.length > 0 || scope === 'all');
  if (plan.creates.length === 0 && plan.updates.length === 0 && !recover) {
    if (needsRetry(plan.report.pending, [])) ctx.props.set(RESCAN_KEY, String(ctx.clock.now()));
    return plan.report;
  }
  const sentAt = ctx.clock.now();
  const result = talkToAmo(ctx, plan, recover);
  writeBack(ctx, plan, result, claimKey, sentAt);
  if (needsRetry(plan.report.pending, result.outcomes.values())) {
    ctx.props.set(RESCAN_KEY, String(ctx.clock.now()));
  }
  return plan.report;
}

// ---- phase 1 -------------------------------------------------------------------------------

function decide(
  ctx: SyncContext,
  scope: PushScope,
  onlyNew: boolean
): { plan: Plan; claimKey: string | null } | null {
  if (!ctx.lock.tryLock(LOCK_WAIT_MS)) {
    ctx.props.set(STATE.dirty, String(ctx.clock.now()));
    ctx.logger.warn('push: the script lock is busy; the rows will be synced by the next run');
    ctx.log.add({
      flow: ctx.flow,
      target: scopeText(scope),
      outcome: 'deferred',
      message: 'the script lock is busy; the next background run syncs these rows',
    });
    return null;
  }
  try {
    // Everything but the sheet is read first, and the claim written after the sheet: between
    // reading rows and writing them only Spreadsheet calls run (people may act at any other).
    const claims = readClaims(ctx.props.getAll(), ctx.clock.now());
    const claimId = ctx.uuid();
    const { table, plan } = readAndPlan(ctx, claims, scope, onlyNew);
    table.commit();
    table.sheet.flush();
    let claimKey: string | null = null;
    const relinks = plan.updates.filter(u => u.relink);
    try {
      if (plan.creates.length > 0 || relinks.length > 0) {
        claimKey = writeClaim(
          ctx.props,
          claimId,
          plan.at,
          plan.creates.map(c => c.externalId),
          [...plan.creates, ...relinks].flatMap(c => contactKeys(c.data))
        );
      }
    } catch (e) {
      if (!(e instanceof PropertiesFullError)) throw e;
      // Without a claim no create is safe: the rows wait, saying why, and nothing is lost.
      holdCreates(ctx, plan, e.message);
    }
    if (scope === 'all') {
      ctx.props.delete(STATE.dirty);
      ctx.props.delete(RESCAN_KEY);
    }
    return { plan, claimKey };
  } finally {
    ctx.lock.release();
  }
}

/** Reads the rows and plans them; first reads the pipelines if the plan turns out to need them. */
function readAndPlan(
  ctx: SyncContext,
  claims: ClaimView,
  scope: PushScope,
  onlyNew: boolean
): { table: SheetTable; plan: Plan } {
  try {
    const table = readPlanned(ctx, scope, claims);
    return { table, plan: planRows(ctx, table, claims, scope, onlyNew) };
  } catch (e) {
    if (!(e instanceof PipelinesNeeded)) throw e;
    ctx.statuses.pipelines();
    const table = readPlanned(ctx, scope, claims);
    return { table, plan: planRows(ctx, table, claims, scope, onlyNew) };
  }
}

/**
 * What phase 1 decides on: an edit's rows and the rows that share their identity; every row
 * for a whole push, and while a dead run's creates are recovered (a lead some row links is
 * never adopted twice, so all links must be known).
 */
function readPlanned(ctx: SyncContext, scope: PushScope, claims: ClaimView): SheetTable {
  const lookup = scope === 'all' ? null : { rows: scope.rows, related: true };
  if (!lookup || claims.stale.length > 0 || !findable(lookup)) return readSyncedTable(ctx);
  return readSyncedRows(ctx, lookup);
}

/** The rows of these external ids as they are now (found again: rows may have moved). */
function readResultRows(ctx: SyncContext, externalIds: string[]): SheetTable {
  return readLookedUp(ctx, { externalIds });
}

function holdCreates(ctx: SyncContext, plan: Plan, message: string): void {
  const table = readResultRows(
    ctx,
    plan.creates.map(c => c.externalId)
  );
  const rows = byExternalId(table);
  for (const item of plan.creates) {
    const row = rows.get(item.externalId)?.[0];
    if (row) table.set(row, 'sync_status', rowStatus(ctx).retrying(message));
  }
  table.commit();
  ctx.log.add({
    flow: ctx.flow,
    target: `${plan.creates.length} rows`,
    outcome: 'failed',
    message,
  });
  plan.report.errors += plan.creates.length;
  plan.creates = [];
  ctx.props.set(RESCAN_KEY, String(ctx.clock.now()));
}

function planRows(
  ctx: SyncContext,
  table: SheetTable,
  claims: ClaimView,
  scope: PushScope,
  onlyNew: boolean
): Plan {
  const plan: Plan = {
    creates: [],
    updates: [],
    recoverFrom: claims.stale,
    linked: new Set(),
    at: ctx.clock.now(),
    readFirst: { leadIds: [], contactIds: [] },
    report: emptyReport(),
  };
  const views = table.rows.map(row => viewRow(table, row, ctx.settings.region, ctx.lang));
  for (const v of views) if (v.dealId !== null) plan.linked.add(v.dealId);
  if (scope !== 'all' && scope.columns && !touchesPersonColumn(table, scope.columns)) return plan;
  const status = table.columns.status;
  const inScope = scope === 'all' ? null : new Set(scope.rows);
  plan.fresh =
    scope === 'all' || !inScope
      ? null
      : { rows: inScope, columns: scope.columns ?? [1, table.width], at: scope.firedAt };
  plan.statusEdited =
    plan.fresh !== null && status !== undefined && within(status, plan.fresh.columns);
  const keepers = idKeepers(views, inScope);
  const live = { live: claims.live, stale: [] };
  const sharing = contactUse(views);
  for (let view of views) {
    if (inScope && !inScope.has(view.row.rowNumber)) continue;
    if (view.externalId && keepers.get(view.externalId) !== view) view = asCopiedRow(table, view);
    planRow(ctx, table, view, live, onlyNew, plan, sharing);
  }
  return plan;
}

/** The rows that link each contact. */
function contactUse(views: RowView[]): Map<number, RowView[]> {
  const use = new Map<number, RowView[]>();
  for (const v of views)
    if (v.contactId !== null) use.set(v.contactId, [...(use.get(v.contactId) ?? []), v]);
  return use;
}

/**
 * The phones and emails other rows sharing the contact show as synced: the contact keeps them.
 * (A value another row has not sent yet is not the contact's; its own push decides.)
 */
function keptValues(others: RowView[], memory: RowMemory | null): KeptValues {
  const synced = (field: 'phone' | 'email') => [
    ...new Set(
      others
        // (A row whose run died before its memory shows its own value all the same.)
        .filter(
          v => showsSynced(v, field) || (v.keys[field] !== '' && v.memory === null && cutShort(v))
        )
        .map(v => v.keys[field])
    ),
  ];
  const replaced = { phone: memory?.base.phone, email: memory?.base.email };
  return { phones: synced('phone'), emails: synced('email'), replaced };
}

function scopeText(scope: PushScope): string {
  if (scope === 'all') return 'all rows';
  const rows = scope.rows;
  return rows.length === 1 ? `row ${rows[0]}` : `rows ${rows[0]}–${rows[rows.length - 1]}`;
}

function touchesPersonColumn(table: SheetTable, [left, right]: [number, number]): boolean {
  const fields = boundFields(table);
  const mapped = [...(fields?.columns.map(c => c.index) ?? []), fields?.pipelineIndex];
  return [...PERSON_COLUMNS.map(key => table.columns[key]), table.columns.status, ...mapped].some(
    index => index !== undefined && within(index, [left, right])
  );
}

/** A 0-based column inside a 1-based inclusive range. */
function within(index: number, [left, right]: [number, number]): boolean {
  return index + 1 >= left && index + 1 <= right;
}

/**
 * A cell the on-edit event names, typed (a pasted row carries its ids, and pasting changes no
 * field: its values are the source row's, whenever the event comes).
 */
function typedNow(
  table: SheetTable,
  view: RowView,
  field: SyncField,
  fresh: FreshCells | null
): boolean {
  const ids = table.columns.amo_deal_id;
  const pasted = fresh !== null && ids !== undefined && within(ids, fresh.columns);
  return !pasted && isFresh(table, view, field, fresh);
}

/** A row pasted from another row shares its ids: it is a new row with its own lead. */
function asCopiedRow(table: SheetTable, view: RowView): RowView {
  for (const key of [
    'amo_deal_id',
    'amo_contact_id',
    'amo_link',
    'status',
    'external_id',
  ] as const) {
    table.set(view.row, key, '');
  }
  table.setNote(view.row, '');
  return {
    ...view,
    externalId: '',
    dealId: null,
    contactId: null,
    memory: null,
    state: { kind: 'new' },
  };
}

function planRow(
  ctx: SyncContext,
  table: SheetTable,
  view: RowView,
  claims: ClaimView,
  onlyNew: boolean,
  plan: Plan,
  sharing: Map<number, RowView[]>
): void {
  const { check, state, memory } = view;
  if (check === null) return;
  if (!check.ok) {
    table.set(view.row, 'sync_status', rowStatus(ctx).error(check.error));
    plan.report.errors++;
    return;
  }
  // AmoCRM refused these very values for good: they wait for the person to change them.
  const deleted = view.dealId !== null && state.kind === 'deleted';
  if (memory?.refused === wholeHash(view.keys) || deleted) {
    plan.report.unchanged++;
    return;
  }
  // A linked row whose memory a dead run never wrote: only AmoCRM's record tells which of its
  // cells are the person's (a manager may have changed the customer since). The pull reads it
  // and writes the memory; until then only the cells the on-edit event names are sent.
  const unknown = view.dealId !== null && memory === null && cutShort(view);
  if (unknown && view.dealId !== null) {
    plan.readFirst.leadIds.push(view.dealId);
    if (view.contactId !== null) plan.readFirst.contactIds.push(view.contactId);
  }
  if (view.dealId !== null) {
    const changed = changedFields(memory ?? { base: {} }, view.keys).filter(
      f => !unknown || typedNow(table, view, f, plan.fresh ?? null)
    );
    // A row synced before status hashes were kept: the edit event tells a status edit.
    const eventOnly = memory?.base[STATUS_KEY] === undefined;
    if (plan.statusEdited && eventOnly && !changed.includes(STATUS_KEY)) changed.push(STATUS_KEY);
    const { mapped, fieldError } = mappedCells([
      ...view.fields,
      ...dealCells(ctx, table, view, changed),
    ]);
    const fields = changed.filter(f => sendable(f, mapped));
    if (fields.length === 0) {
      // A mapped cell that does not fit: the row says so, nothing is sent, the cell stays.
      if (fieldError) table.set(view.row, 'sync_status', rowStatus(ctx).error(fieldError));
      // The cell was put right (emptied, or back to what AmoCRM has): the error is over.
      else if (state.kind === 'error') table.set(view.row, 'sync_status', rowStatus(ctx).synced());
      if (fieldError) plan.report.errors++;
      else plan.report.unchanged++;
    } else if (!onlyNew) {
      const identity = fields.includes('email') || fields.includes('phone');
      const others = (sharing.get(view.contactId ?? -1) ?? []).filter(v => v !== view);
      const relink =
        view.contactId === null || !identity
          ? undefined
          : others.length > 0
            ? ('shared' as const)
            : ('ifTaken' as const);
      if (relink && contactClaimed(claims, contactKeys(check.data))) {
        // Another run may be making a contact for the new email or phone: the edit waits.
        noteSeen(table, view, plan.at);
        plan.report.pending++;
        return;
      }
      plan.updates.push({
        externalId: view.externalId || assignId(ctx, table, view, plan),
        dealId: view.dealId,
        contactId: view.contactId,
        data: check.data,
        fields,
        relink,
        mapped,
        fieldError,
        ...(relink === 'shared' ? { keep: keptValues(others, memory) } : {}),
        seenBase: { ...memory?.base },
        ...(unknown ? { unremembered: true } : {}),
        stale: staleEdit(table, view, fields, plan.fresh ?? null, plan.at, others),
      });
    } else {
      // An import makes new rows only: this edit waits, and the sync now knows since when.
      noteSeen(table, view, plan.at);
    }
    return;
  }
  if (view.externalId && isClaimed(claims, view.externalId)) {
    plan.report.pending++;
    return;
  }
  if (contactClaimed(claims, contactKeys(check.data))) {
    // Another run may be creating the contact for this email or phone right now. The row gets
    // its id all the same (beside the status, one write): the id says since when its values
    // were seen, which decides whether they are older than a manager's change of that contact.
    if (!view.externalId) assignId(ctx, table, view, plan);
    table.set(view.row, 'sync_status', rowStatus(ctx).contactBusy);
    plan.report.pending++;
    return;
  }
  // Only a new id must reach the sheet before the create (the lead carries it); the
  // status line goes along with it, and rows that already have an id cost no write.
  let externalId = view.externalId;
  if (!externalId) {
    externalId = assignId(ctx, table, view, plan);
    table.set(view.row, 'sync_status', rowStatus(ctx).syncing);
  }
  const { mapped, fieldError } = mappedCells([
    ...view.fields,
    ...dealCells(ctx, table, view, [STATUS_KEY, PIPELINE_KEY]),
  ]);
  plan.creates.push({
    externalId,
    data: check.data,
    seenAt: externalIdTime(externalId),
    mapped,
    fieldError,
  });
}

/** A fixed field, or a mapped one whose cell fits and has something to send. */
function sendable(field: SyncField, mapped: FieldCell[]): boolean {
  if ((SYNC_FIELDS as readonly string[]).includes(field)) return true;
  return mapped.some(c => c.column.key === field);
}

/** The row's mapped cells that fit (sent), and the errors of those that do not. */
function mappedCells(cells: FieldCell[]): { mapped: FieldCell[]; fieldError?: string } {
  const errors = cells.flatMap(f => (f.parsed.ok ? [] : [f.parsed.error]));
  const mapped = cells.filter(f => f.parsed.ok);
  return errors.length > 0 ? { mapped, fieldError: errors.join('; ') } : { mapped };
}

/**
 * A new id for a row, carrying when a syncing run first saw it: for a row the on-edit event
 * names, when that run started (the edit happened before its trigger fired).
 */
function assignId(ctx: SyncContext, table: SheetTable, view: RowView, plan: Plan): string {
  const named = plan.fresh?.rows.has(view.row.rowNumber) ? plan.fresh.at : undefined;
  const id = newExternalId(ctx.uuid(), named ?? ctx.clock.now());
  table.set(view.row, 'external_id', id);
  return id;
}

/** The keys two rows share when they must share one contact. */
function contactKeys(data: RowData): string[] {
  return [data.email ? `e:${data.email}` : '', data.phone ? `p:${data.phone}` : ''].filter(Boolean);
}

// ---- phase 2 -------------------------------------------------------------------------------

function talkToAmo(ctx: SyncContext, plan: Plan, recover: boolean): AmoResult {
  let rowIdField: number | null = null;
  const adopted: Outcomes = new Map();
  try {
    if (plan.creates.length > 0 || recover) rowIdField = ensureRowIdField(ctx);
    if (recover) adoptCreated(ctx, plan, rowIdField, adopted);
  } catch (e) {
    // The claims stay: nothing is created until AmoCRM has been asked.
    const outcomes = failAll(plan.creates, e);
    for (const [id, o] of sendPush(ctx, [], plan.updates, null, rowsLinking(ctx))) {
      outcomes.set(id, o);
    }
    return { outcomes, resolved: [] };
  }
  const updates = holdLaterChanges(ctx, plan.updates);
  const outcomes = sendPush(ctx, plan.creates, updates, rowIdField, rowsLinking(ctx));
  healRowIdField(ctx.props, outcomes.values());
  for (const [id, outcome] of adopted) outcomes.set(id, outcome);
  return { outcomes, resolved: recover ? plan.recoverFrom : [] };
}

/** The rows linking these contacts as they are now (read between AmoCRM's calls, not written). */
function rowsLinking(ctx: SyncContext): RowsLinking {
  return contactIds => {
    const table = readLookedUp(ctx, { contactIds });
    return table.rows.map(row => viewRow(table, row, ctx.settings.region));
  };
}

/**
 * An adopted lead linked to a contact older than itself reused a customer AmoCRM knew: its row
 * shows that contact's name instead of renaming it (as a new row that links one does). A
 * contact made with the lead is the row's own, and the row's name is sent like the rest.
 */
function knownContactNames(ctx: SyncContext, leads: Lead[], adopted: Outcomes): void {
  const created = new Map(leads.map(l => [l.id, l.created_at]));
  const outcomes = [...adopted.values()].flatMap(o =>
    o.kind === 'created' && o.contactId ? [o] : []
  );
  const ids = [...new Set(outcomes.map(o => o.contactId as number))];
  if (ids.length === 0) return;
  const contacts = new Map(contactsByIds(ctx.amo, ids).map(c => [c.id, c]));
  for (const outcome of outcomes) {
    const contact = contacts.get(outcome.contactId as number);
    const leadMade = created.get(outcome.dealId) ?? 0;
    if (contact && contact.created_at < leadMade) outcome.contactName = contact.name ?? '';
  }
}

/**
 * The lead field that carries row ids. Two first runs must not both create it: the field is
 * resolved under the script lock (once; afterwards it is a Script Property read).
 */
function ensureRowIdField(ctx: SyncContext): number | null {
  if (ctx.props.get(STATE.rowIdField)) return rowIdFieldId(ctx.amo, ctx.props);
  if (!ctx.lock.tryLock(LOCK_WAIT_MS)) {
    throw new AmoError({
      kind: 'deadline',
      message: 'another run is preparing AmoCRM',
      retryable: true,
      operation: 'deferred',
    });
  }
  try {
    return rowIdFieldId(ctx.amo, ctx.props);
  } finally {
    ctx.lock.release();
  }
}

/**
 * Leads that a dead execution created but never wrote to the sheet carry the row's
 * external_id: find them among the leads changed since that execution began, and link the
 * rows to them instead of creating again. Without the row-id field (a user who may not
 * create fields), a lead no row links, created since then, with the row's name, is the one.
 */
function adoptCreated(
  ctx: SyncContext,
  plan: Plan,
  rowIdField: number | null,
  adopted: Outcomes
): void {
  const since = Math.floor(Math.min(...plan.recoverFrom.map(c => c.at)) / 1000) - RECOVERY_SLACK_S;
  const leads = fetchAllPages(ctx.amo, page =>
    listLeads({ updatedFrom: since, with: ['contacts'], page, limit: 250 })
  ).filter(lead => !plan.linked.has(lead.id));
  const byRow = new Map<string, Lead>();
  if (rowIdField !== null) {
    for (const lead of leads) {
      const id = leadExternalId(lead, rowIdField);
      if (id && !byRow.has(id)) byRow.set(id, lead);
    }
  } else {
    matchByName(plan, leads, since, byRow);
  }
  const claimed = new Set(plan.recoverFrom.flatMap(c => c.ids ?? []));
  for (const item of plan.creates) claimed.add(item.externalId);
  for (const id of claimed) {
    const lead = byRow.get(id);
    if (lead)
      adopted.set(id, {
        kind: 'created',
        dealId: lead.id,
        contactId: mainContactId(lead),
        adopted: true,
        leadName: lead.name,
      });
  }
  plan.creates = plan.creates.filter(item => !adopted.has(item.externalId));
  if (adopted.size === 0) return;
  knownContactNames(ctx, leads, adopted);
  ctx.logger.info(
    `push: adopted ${adopted.size} lead(s) created by an execution that did not finish`
  );
  for (const [id, outcome] of adopted) {
    if (outcome.kind !== 'created') continue;
    ctx.log.add({
      flow: ctx.flow,
      target: `${id} → lead ${outcome.dealId}`,
      outcome: 'recovered',
      message: 'the lead was created by a run that did not finish; linked instead of created again',
    });
  }
}

function matchByName(plan: Plan, leads: Lead[], since: number, byRow: Map<string, Lead>): void {
  const taken = new Set<number>();
  for (const item of plan.creates) {
    const name = displayName(item.data);
    const same = leads.filter(l => l.created_at >= since && l.name === name && !taken.has(l.id));
    if (same.length === 0) continue;
    taken.add(same[0].id);
    byRow.set(item.externalId, same[0]);
  }
}

function failAll(items: CreateItem[], e: unknown): Outcomes {
  const message = e instanceof Error ? e.message : String(e);
  // Only AmoCRM refusing the data is the row's problem; authorization, settings and
  // transport failures heal once the person or the network fixes them, so they retry.
  const permanent =
    e instanceof AmoError &&
    e.kind === 'http' &&
    !e.retryable &&
    e.status !== undefined &&
    e.status < 500;
  const outcomes: Outcomes = new Map();
  for (const item of items) outcomes.set(item.externalId, { kind: 'failed', message, permanent });
  return outcomes;
}

// ---- phase 3 -------------------------------------------------------------------------------

function writeBack(
  ctx: SyncContext,
  plan: Plan,
  result: AmoResult,
  claimKey: string | null,
  sentAt: number
): void {
  const { outcomes } = result;
  const unrecorded = [...outcomes].filter(([, o]) => o.kind === 'created' || o.kind === 'unknown');
  if (!ctx.lock.tryLock(LOCK_WAIT_MS * 3)) {
    // The results cannot be written now; the claim makes the next run adopt these leads.
    if (claimKey)
      orphanClaim(
        ctx.props,
        claimKey,
        plan.at,
        unrecorded.map(([id]) => id)
      );
    ctx.props.set(STATE.dirty, String(ctx.clock.now()));
    return;
  }
  try {
    const statusName = unrecorded.length > 0 ? safeStatusName(ctx) : '';
    const table = readResultRows(ctx, [...outcomes.keys()]);
    const rows = byExternalId(table);
    const items = new Map<string, CreateItem | UpdateItem>(
      [...plan.creates, ...plan.updates].map(i => [i.externalId, i])
    );
    const apply = { ctx, table, plan, statusName, sentAt };
    for (const [externalId, outcome] of outcomes) {
      const item = items.get(externalId);
      const row = findRow(table, rows.get(externalId) ?? [], item, outcome, ctx.settings.region);
      logOutcome(ctx, row ? `row ${row.rowNumber}` : externalId, outcome);
      if (row) logRecovery(ctx, table, row, outcome);
      if (row) applyOutcome(apply, row, item, outcome);
      else if (outcome.kind === 'created') {
        ctx.logger.warn(
          `push: lead ${outcome.dealId} was created but its row is gone from the sheet`
        );
      }
    }
    table.commit();
    // The links must be saved before the claim that guards them goes.
    table.sheet.flush();
    const unknown = [...outcomes].filter(([, o]) => o.kind === 'unknown').map(([id]) => id);
    if (claimKey && unknown.length > 0) orphanClaim(ctx.props, claimKey, plan.at, unknown);
    else if (claimKey) removeClaims(ctx.props, [claimKey]);
    removeClaims(
      ctx.props,
      result.resolved.map(c => c.key)
    );
  } finally {
    ctx.lock.release();
  }
}

function byExternalId(table: SheetTable): Map<string, TableRow[]> {
  const rows = new Map<string, TableRow[]>();
  for (const row of table.rows) {
    const id = table.text(row, 'external_id');
    if (!id) continue;
    const list = rows.get(id);
    if (list) list.push(row);
    else rows.set(id, [row]);
  }
  return rows;
}

/**
 * The row an outcome belongs to now: by external_id, and the lead it links (if any). Of rows
 * that share the id without a lead (a copy pasted while the lead was being made), the one
 * that still shows what was sent: the copy may already be another customer.
 */
function findRow(
  table: SheetTable,
  candidates: TableRow[],
  item: CreateItem | UpdateItem | undefined,
  outcome: Outcome,
  region: string
): TableRow | undefined {
  const deal = (row: TableRow) => table.text(row, 'amo_deal_id');
  if (item && 'dealId' in item) return candidates.find(r => deal(r) === String(item.dealId));
  if (outcome.kind === 'created') {
    const linked = candidates.find(r => deal(r) === String(outcome.dealId));
    if (linked) return linked;
  }
  const unlinked = candidates.filter(r => deal(r) === '');
  if (unlinked.length < 2 || !item) return unlinked[0];
  const sent = dataKeys(item.data);
  const alike = (row: TableRow) => {
    const keys = viewRow(table, row, region).keys;
    return SYNC_FIELDS.filter(f => keys[f] === sent[f]).length;
  };
  return unlinked.reduce((best, row) => (alike(row) > alike(best) ? row : best));
}

interface Apply {
  ctx: SyncContext;
  table: SheetTable;
  plan: Plan;
  statusName: string;
  sentAt: number;
}

function applyOutcome(
  a: Apply,
  row: TableRow,
  item: CreateItem | UpdateItem | undefined,
  outcome: Outcome
): void {
  const { ctx, table, plan } = a;
  const report = plan.report;
  const status = rowStatus(ctx);
  const keys = viewRow(table, row, ctx.settings.region).keys;
  const memory = settleMemory(parseMemory(table.note(row)) ?? { base: {} }, keys);
  const sent = item ? sentKeys(item) : null;
  // A row whose memory a dead run never wrote gets it from the pull (see planRow).
  const saveMemory = (t: SheetTable, r: TableRow, m: RowMemory) => {
    if (!(item && 'unremembered' in item && item.unremembered)) setMemory(t, r, m);
  };
  const synced = item?.fieldError ? status.error(item.fieldError) : status.synced();
  switch (outcome.kind) {
    case 'created':
      table.set(row, 'amo_deal_id', String(outcome.dealId));
      if (outcome.contactId) table.set(row, 'amo_contact_id', String(outcome.contactId));
      table.set(row, 'amo_link', `${ctx.settings.baseUrl}/leads/detail/${outcome.dealId}`);
      table.set(row, 'sync_status', synced);
      // An adopted lead was made from the row as it was then: the next push sends it all but
      // the name of a customer AmoCRM already knew, which a new row does not change (see
      // knownContactNames).
      if (outcome.adopted || !sent) {
        if (a.statusName) table.set(row, 'status', a.statusName);
        const adopted: RowMemory = { base: {} };
        if (outcome.contactName !== undefined) {
          // The name the lead was made with, when the row had one: a name typed since is an edit.
          const cell = fieldKey('name', table.value(row, 'name'), ctx.settings.region);
          const made = fieldKey('name', outcome.leadName, ctx.settings.region);
          adopted.base.name = fieldHash('name', cell !== '' && made !== '' ? made : cell);
        }
        saveMemory(table, row, adopted);
      } else {
        const made = memoryOf(sent, a.sentAt);
        rememberFirst(made, 'phone', outcome.firsts?.phone);
        rememberFirst(made, 'email', outcome.firsts?.email);
        showContactName(ctx, table, row, made, outcome.contactName);
        showDeal(ctx, table, row, made, item, { defaultStatus: a.statusName });
        noteEditsMeanwhile(a, row, made);
        saveMemory(table, row, made);
      }
      report.created++;
      return;
    case 'updated':
      if (outcome.contactId) table.set(row, 'amo_contact_id', String(outcome.contactId));
      // (A field held back for AmoCRM's later change waits on, until the pull shows it.)
      if (item && 'fields' in item && sent) {
        markSent(memory, item, sent, outcome.sentAt ?? a.sentAt);
      }
      showDeal(ctx, table, row, memory, item, null);
      table.set(row, 'sync_status', synced);
      noteEditsMeanwhile(a, row, memory);
      saveMemory(table, row, memory);
      report.updated++;
      return;
    case 'failed':
      if (outcome.permanent && sent) {
        table.set(row, 'sync_status', status.error(outcome.message));
        memory.refused = wholeHash(sent);
      } else table.set(row, 'sync_status', status.retrying(outcome.message));
      noteUnsent(a, row, memory, sent);
      keepStatusEdit(memory, item);
      saveMemory(table, row, memory);
      report.errors++;
      return;
    case 'unknown':
      table.set(row, 'sync_status', status.checkFirst(outcome.message));
      report.pending++;
      return;
    case 'deferred':
      table.set(row, 'sync_status', status.nextRun);
      noteUnsent(a, row, memory, sent);
      keepStatusEdit(memory, item);
      if (item && 'fields' in item) saveMemory(table, row, memory);
      report.pending++;
  }
}

/**
 * Cells a person changed while the push talked to AmoCRM are seen now, by this write-back:
 * from now on the sync knows since when they wait (a manager's change made after this is
 * the later one, see stale-edits).
 */
function noteEditsMeanwhile(a: Apply, row: TableRow, memory: RowMemory): void {
  const keys = viewRow(a.table, a.table.withStaged(row), a.ctx.settings.region, a.ctx.lang).keys;
  noteWaiting(memory, a.ctx.clock.now(), keys);
}

/** What the push could not send waits since the push read it; what changed since, from now. */
function noteUnsent(
  a: Apply,
  row: TableRow,
  memory: RowMemory,
  sent: Record<SyncField, string> | null
): void {
  if (sent) noteWaiting(memory, a.plan.at, sent);
  noteEditsMeanwhile(a, row, memory);
}

/**
 * A new row linked to a customer AmoCRM knows shows the contact's name: a new row does not
 * rename a known customer (its name may be older, copied from another row, or shorter), and
 * the row and AmoCRM must agree. Renaming is an edit of the name in a linked row.
 */
function showContactName(
  ctx: SyncContext,
  table: SheetTable,
  row: TableRow,
  memory: RowMemory,
  name: string | undefined
): void {
  const region = ctx.settings.region;
  const key = fieldKey('name', name, region);
  if (name === undefined || key === '' || memory.base.name === fieldHash('name', key)) return;
  // Only over the name that was sent: one a person typed since stays, to be sent as an edit.
  const cell = fieldKey('name', table.value(row, 'name'), region);
  if (cell === '' || memory.base.name !== fieldHash('name', cell)) return;
  table.set(row, 'name', name);
  rememberSynced(memory, 'name', key);
}

/**
 * The fields just sent are what AmoCRM now has; a later edit of them still shows as changed.
 * A push whose request went out later may have sent and recorded the same field first (runs
 * overlap): its record is the newer one and stays.
 */
function markSent(
  memory: RowMemory,
  item: UpdateItem,
  sent: Record<SyncField, string | undefined>,
  sentAt: number
): void {
  const later = memory.sentAt !== undefined && memory.sentAt > sentAt;
  const marked: SyncField[] = [];
  for (const f of item.fields) {
    const key = sent[f];
    if (later && memory.base[f] !== item.seenBase?.[f]) continue;
    if (key !== undefined) rememberSynced(memory, f, key);
    // Another run may have seen a newer edit of the field meanwhile: it waits on, from then.
    if (key !== undefined && memory.waiting?.[f]?.hash === fieldHash(f, key)) marked.push(f);
  }
  forgetWaiting(memory, marked);
  if (later) return;
  memory.sentAt = sentAt;
  delete memory.editAt;
  delete memory.refused;
}

/** A status edit that did not reach AmoCRM stays the person's until it does. */
function keepStatusEdit(memory: RowMemory, item: CreateItem | UpdateItem | undefined): void {
  if (item && 'fields' in item && item.fields.includes(STATUS_KEY)) {
    memory.base[STATUS_KEY] = STATUS_EDITED;
  }
}

function setMemory(table: SheetTable, row: TableRow, memory: RowMemory): void {
  table.setNote(row, formatMemory(memory));
}

/** The keys of what a push sent: the fixed fields and the mapped cells that fit. */
function sentKeys(item: CreateItem | UpdateItem): Record<SyncField, string> {
  const keys: Record<SyncField, string> = dataKeys(item.data);
  for (const cell of item.mapped ?? []) {
    if (cell.parsed.ok) keys[cell.column.key] = cell.parsed.value.key;
  }
  return keys;
}

/** The normalized keys of validated row data (as row-view computes them from cells). */
export function dataKeys(data: RowData): Record<FixedField, string> {
  return {
    name: data.name ?? '',
    phone: data.phone ?? '',
    email: data.email ?? '',
    budget: data.budget ? String(data.budget) : '',
  };
}

function logOutcome(ctx: SyncContext, target: string, outcome: Outcome): void {
  if (outcome.kind === 'failed') {
    ctx.log.add({ flow: ctx.flow, target, outcome: 'failed', message: outcome.message });
  } else if (outcome.kind === 'unknown') {
    ctx.log.add({
      flow: ctx.flow,
      target,
      outcome: 'queued',
      message: `${outcome.message}; the next run checks AmoCRM first`,
    });
  }
}

/** A row that showed an error and now synced: the log says it healed, not only that it broke. */
function logRecovery(ctx: SyncContext, table: SheetTable, row: TableRow, outcome: Outcome): void {
  if (outcome.kind !== 'created' && outcome.kind !== 'updated') return;
  if (parseSyncStatus(table.text(row, 'sync_status')).kind !== 'error') return;
  const text = messages(ctx.lang).log;
  ctx.log.add({
    flow: ctx.flow,
    target: text.row(row.rowNumber),
    outcome: 'recovered',
    message: text.rowRecovered,
  });
}

function safeStatusName(ctx: SyncContext): string {
  try {
    return statusNameFor(ctx, ctx.settings.pipelineId, ctx.settings.statusId);
  } catch {
    return '';
  }
}

export function emptyReport(over: Partial<PushReport> = {}): PushReport {
  return { created: 0, updated: 0, unchanged: 0, errors: 0, pending: 0, lockBusy: false, ...over };
}
