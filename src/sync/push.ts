// Sheet → AmoCRM. Three phases, so the script lock is held only around decisions:
//  1. under the lock: read the sheet, decide per row (create, update, unchanged, invalid,
//     busy), give new rows their external_id, claim the rows to create, write that down;
//  2. without the lock: talk to AmoCRM (adopting leads a dead execution created first);
//  3. under the lock: re-read the sheet, find the rows again by external_id (people may have
//     sorted or inserted rows meanwhile), write the results in one block, drop the claim.
// One row, one lead: a row is created only by the execution that claimed it, and a claim
// left by a dead execution makes the next run look in AmoCRM before creating again.
import { AmoError } from '../amo/errors';
import { listLeads } from '../amo/calls';
import type { Lead } from '../amo/types';
import { newExternalId } from '../domain/ids';
import { missingColumns, PERSON_COLUMNS } from '../sheet/headers';
import { SheetTable, TableRow } from '../sheet/table';
import { fetchAllPages } from '../amo/batching';
import { mainContactId } from '../amo/fields';
import { healRowIdField, leadExternalId, rowIdFieldId } from './amo-reads';
import {
  Claim,
  isClaimed,
  orphanClaim,
  PropertiesFullError,
  readClaims,
  removeClaims,
  writeClaim,
} from './claims';
import { STATE } from './config';
import type { SyncContext } from './context';
import { CreateItem, Outcome, Outcomes, sendPush, UpdateItem } from './push-send';
import { RowView, viewRow } from './row-view';
import { statusNameFor } from './statuses';
import {
  pendingStatus,
  permanentError,
  SYNCING_STATUS,
  syncedStatus,
  syncTime,
  transientError,
} from './sync-status';

/**
 * Which rows a push looks at: the rows an edit touched (and, when given, the 1-based columns
 * it touched: an edit of script-owned or foreign columns alone is no sync), or the whole sheet.
 */
export type PushScope = { rows: number[]; columns?: [number, number] } | 'all';

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
  /** Stale claims covering rows to create: look in AmoCRM first. */
  recoverFrom: Claim[];
  /** The snapshot row of each row to create. */
  rows: Map<string, TableRow>;
  report: PushReport;
}

export function push(ctx: SyncContext, scope: PushScope, onlyNew = false): PushReport {
  const phase1 = decide(ctx, scope, onlyNew);
  if (!phase1) return emptyReport({ lockBusy: true, pending: 1 });
  const { plan, claimKey, claimAt } = phase1;
  if (plan.creates.length === 0 && plan.updates.length === 0) {
    if (scope === 'all') dropStaleClaims(ctx, plan.recoverFrom);
    return plan.report;
  }
  const outcomes = talkToAmo(ctx, plan);
  writeBack(ctx, plan, outcomes, claimKey, claimAt, scope === 'all');
  return plan.report;
}

// ---- phase 1 -------------------------------------------------------------------------------

function decide(
  ctx: SyncContext,
  scope: PushScope,
  onlyNew: boolean
): { plan: Plan; claimKey: string | null; claimAt: number } | null {
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
    const table = readSyncedTable(ctx);
    const claims = readClaims(ctx.props.getAll(), ctx.clock.now());
    const plan = planRows(ctx, table, claims.live, claims.stale, scope, onlyNew);
    const at = ctx.clock.now();
    let claimKey: string | null = null;
    try {
      if (plan.creates.length > 0) {
        claimKey = writeClaim(
          ctx.props,
          ctx.uuid(),
          at,
          plan.creates.map(c => c.externalId)
        );
      }
    } catch (e) {
      if (!(e instanceof PropertiesFullError)) throw e;
      // Without a claim no create is safe: the rows wait, saying why, and nothing is lost.
      for (const item of plan.creates) {
        const row = plan.rows.get(item.externalId);
        if (row) table.set(row, 'sync_status', transientError(e.message));
      }
      ctx.log.add({
        flow: ctx.flow,
        target: `${plan.creates.length} rows`,
        outcome: 'failed',
        message: e.message,
      });
      plan.report.errors += plan.creates.length;
      plan.creates = [];
    }
    table.commit();
    if (scope === 'all') ctx.props.delete(STATE.dirty);
    return { plan, claimKey, claimAt: at };
  } finally {
    ctx.lock.release();
  }
}

export function readSyncedTable(ctx: SyncContext): SheetTable {
  const sheet = ctx.spreadsheet.sheet(ctx.settings.sheetName);
  if (!sheet) throw new Error(`Settings: there is no sheet named "${ctx.settings.sheetName}"`);
  const table = SheetTable.read(sheet);
  const missing = missingColumns(table.columns);
  if (missing.length > 0) {
    throw new Error(`The sheet "${sheet.name}" needs the column(s) ${missing.join(', ')} in row 1`);
  }
  return table;
}

function planRows(
  ctx: SyncContext,
  table: SheetTable,
  live: Claim[],
  stale: Claim[],
  scope: PushScope,
  onlyNew: boolean
): Plan {
  const plan: Plan = {
    creates: [],
    updates: [],
    recoverFrom: stale,
    rows: new Map(),
    report: emptyReport(),
  };
  if (scope !== 'all' && scope.columns && !touchesPersonColumn(table, scope.columns)) return plan;
  const inScope = scope === 'all' ? null : new Set(scope.rows);
  const seenIds = new Set<string>();
  const liveView = { live, stale: [] };
  for (const row of table.rows) {
    let view = viewRow(table, row, ctx.settings.region);
    const duplicate = view.externalId !== '' && seenIds.has(view.externalId);
    if (view.externalId) seenIds.add(view.externalId);
    if (inScope && !inScope.has(row.rowNumber)) continue;
    if (duplicate) view = asCopiedRow(table, view);
    planRow(ctx, table, view, liveView, onlyNew, plan);
  }
  return plan;
}

function scopeText(scope: PushScope): string {
  if (scope === 'all') return 'all rows';
  const rows = scope.rows;
  return rows.length === 1 ? `row ${rows[0]}` : `rows ${rows[0]}–${rows[rows.length - 1]}`;
}

function touchesPersonColumn(table: SheetTable, [left, right]: [number, number]): boolean {
  return PERSON_COLUMNS.some(key => {
    const index = table.columns[key];
    return index !== undefined && index + 1 >= left && index + 1 <= right;
  });
}

/** A row pasted from another row shares its ids: it is a new row with its own lead. */
function asCopiedRow(table: SheetTable, view: RowView): RowView {
  for (const key of ['amo_deal_id', 'amo_contact_id', 'amo_link', 'status'] as const) {
    table.set(view.row, key, '');
  }
  return { ...view, externalId: '', dealId: null, contactId: null, state: { kind: 'new' } };
}

function planRow(
  ctx: SyncContext,
  table: SheetTable,
  view: RowView,
  claims: { live: Claim[]; stale: Claim[] },
  onlyNew: boolean,
  plan: Plan
): void {
  const { check, state } = view;
  if (check === null) return;
  if (!check.ok) {
    table.set(view.row, 'sync_status', permanentError(check.error, null));
    plan.report.errors++;
    return;
  }
  const known = state.kind === 'synced' || state.kind === 'error' ? state.fingerprint : null;
  // A row without a lead is new whatever its status says (a person may clear amo_deal_id
  // of a deleted lead to create another); only a refused create waits for a change.
  const unchanged =
    view.dealId !== null
      ? known === check.fingerprint || state.kind === 'deleted'
      : state.kind === 'error' && known === check.fingerprint;
  if (unchanged) {
    plan.report.unchanged++;
    return;
  }
  if (view.dealId !== null) {
    if (onlyNew) return;
    plan.updates.push({
      externalId: view.externalId || assignId(ctx, table, view),
      dealId: view.dealId,
      contactId: view.contactId,
      data: check.data,
      fingerprint: check.fingerprint,
      previous: state.kind === 'synced' ? state.fingerprint : null,
    });
    return;
  }
  if (view.externalId && isClaimed(claims, view.externalId)) {
    plan.report.pending++;
    return;
  }
  // Only a new id must reach the sheet before the create (the lead carries it); the
  // status line goes along with it, and rows that already have an id cost no write.
  let externalId = view.externalId;
  if (!externalId) {
    externalId = assignId(ctx, table, view);
    table.set(view.row, 'sync_status', SYNCING_STATUS);
  }
  plan.rows.set(externalId, view.row);
  plan.creates.push({ externalId, data: check.data, fingerprint: check.fingerprint });
}

function assignId(ctx: SyncContext, table: SheetTable, view: RowView): string {
  const id = newExternalId(ctx.uuid());
  table.set(view.row, 'external_id', id);
  return id;
}

// ---- phase 2 -------------------------------------------------------------------------------

function talkToAmo(ctx: SyncContext, plan: Plan): Outcomes {
  let rowIdField = 0;
  const adopted: Outcomes = new Map();
  try {
    if (plan.creates.length > 0) {
      // null: the field cannot be made (no admin right); 0 makes leads without it.
      rowIdField = rowIdFieldId(ctx.amo, ctx.props) ?? 0;
      const covered = plan.recoverFrom.filter(
        c => c.ids === null || plan.creates.some(i => c.ids?.includes(i.externalId))
      );
      if (covered.length > 0) adoptCreated(ctx, plan, covered, rowIdField, adopted);
    }
  } catch (e) {
    return failAll(plan, e);
  }
  const outcomes = sendPush(ctx, plan.creates, plan.updates, rowIdField);
  healRowIdField(ctx.props, outcomes.values());
  for (const [id, outcome] of adopted) outcomes.set(id, outcome);
  return outcomes;
}

/**
 * Leads that a dead execution created but never wrote to the sheet carry the row's
 * external_id: find them among the leads changed since that execution began, and link the
 * rows to them instead of creating again.
 */
function adoptCreated(
  ctx: SyncContext,
  plan: Plan,
  claims: Claim[],
  rowIdField: number,
  adopted: Outcomes
): void {
  const since = Math.floor(Math.min(...claims.map(c => c.at)) / 1000) - RECOVERY_SLACK_S;
  const leads = fetchAllPages(ctx.amo, page =>
    listLeads({ updatedFrom: since, with: ['contacts'], page, limit: 250 })
  );
  const byRow = new Map<string, Lead>();
  for (const lead of leads) {
    const id = leadExternalId(lead, rowIdField);
    if (id && !byRow.has(id)) byRow.set(id, lead);
  }
  plan.creates = plan.creates.filter(item => {
    const lead = byRow.get(item.externalId);
    if (!lead) return true;
    // The lead was made from the row as it was then: no fingerprint, so the next push
    // compares nothing and patches it with the row's current values.
    adopted.set(item.externalId, {
      kind: 'created',
      dealId: lead.id,
      contactId: mainContactId(lead),
      fingerprint: '',
    });
    return false;
  });
  ctx.logger.info(
    `push: adopted ${adopted.size} lead(s) created by an execution that did not finish`
  );
  for (const [id, outcome] of adopted) {
    if (outcome.kind !== 'created') continue;
    const message =
      'the lead was created by a run that did not finish; linked instead of created again';
    ctx.log.add({
      flow: ctx.flow,
      target: `${id} → lead ${outcome.dealId}`,
      outcome: 'recovered',
      message,
    });
  }
}

function failAll(plan: Plan, e: unknown): Outcomes {
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
  for (const item of [...plan.creates, ...plan.updates]) {
    outcomes.set(item.externalId, {
      kind: 'failed',
      message,
      permanent,
      fingerprint: item.fingerprint,
    });
  }
  return outcomes;
}

// ---- phase 3 -------------------------------------------------------------------------------

function writeBack(
  ctx: SyncContext,
  plan: Plan,
  outcomes: Outcomes,
  claimKey: string | null,
  claimAt: number,
  wholeSheet: boolean
): void {
  const unrecorded = [...outcomes].filter(([, o]) => o.kind === 'created' || o.kind === 'unknown');
  if (!ctx.lock.tryLock(LOCK_WAIT_MS * 3)) {
    // The results cannot be written now; the claim makes the next run adopt these leads.
    if (claimKey)
      orphanClaim(
        ctx.props,
        claimKey,
        claimAt,
        unrecorded.map(([id]) => id)
      );
    ctx.props.set(STATE.dirty, String(ctx.clock.now()));
    return;
  }
  try {
    const table = readSyncedTable(ctx);
    const rows = new Map<string, RowView['row']>();
    for (const row of table.rows) {
      const id = table.text(row, 'external_id');
      if (id && !rows.has(id)) rows.set(id, row);
    }
    const statusName = plan.creates.length > 0 ? safeStatusName(ctx) : '';
    for (const [externalId, outcome] of outcomes) {
      const row = rows.get(externalId);
      logOutcome(ctx, row ? `row ${row.rowNumber}` : externalId, outcome);
      if (row) applyOutcome(ctx, table, row, outcome, statusName, plan.report);
      else if (outcome.kind === 'created') {
        ctx.logger.warn(
          `push: lead ${outcome.dealId} was created but its row is gone from the sheet`
        );
      }
    }
    table.commit();
    const unknown = [...outcomes].filter(([, o]) => o.kind === 'unknown').map(([id]) => id);
    if (claimKey && unknown.length > 0) orphanClaim(ctx.props, claimKey, claimAt, unknown);
    else if (claimKey) removeClaims(ctx.props, [claimKey]);
    if (wholeSheet) dropStaleClaims(ctx, plan.recoverFrom);
  } finally {
    ctx.lock.release();
  }
}

function applyOutcome(
  ctx: SyncContext,
  table: SheetTable,
  row: RowView['row'],
  outcome: Outcome,
  statusName: string,
  report: PushReport
): void {
  const when = syncTime(ctx.clock.now());
  switch (outcome.kind) {
    case 'created':
      table.set(row, 'amo_deal_id', String(outcome.dealId));
      if (outcome.contactId) table.set(row, 'amo_contact_id', String(outcome.contactId));
      table.set(row, 'amo_link', `${ctx.settings.baseUrl}/leads/detail/${outcome.dealId}`);
      if (statusName) table.set(row, 'status', statusName);
      table.set(
        row,
        'sync_status',
        outcome.fingerprint ? syncedStatus(outcome.fingerprint, when) : `synced ${when}`
      );
      report.created++;
      return;
    case 'updated':
      table.set(row, 'sync_status', syncedStatus(outcome.fingerprint, when));
      report.updated++;
      return;
    case 'failed':
      table.set(
        row,
        'sync_status',
        outcome.permanent
          ? permanentError(outcome.message, outcome.fingerprint)
          : transientError(outcome.message)
      );
      report.errors++;
      return;
    case 'unknown':
      table.set(
        row,
        'sync_status',
        pendingStatus(`${outcome.message}; the next run checks AmoCRM before retrying`)
      );
      report.pending++;
      return;
    case 'deferred':
      table.set(row, 'sync_status', pendingStatus('will continue on the next run'));
      report.pending++;
  }
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

function safeStatusName(ctx: SyncContext): string {
  try {
    return statusNameFor(ctx, ctx.settings.pipelineId, ctx.settings.statusId);
  } catch {
    return '';
  }
}

function dropStaleClaims(ctx: SyncContext, stale: Claim[]): void {
  if (stale.length > 0)
    removeClaims(
      ctx.props,
      stale.map(c => c.key)
    );
}

export function emptyReport(over: Partial<PushReport> = {}): PushReport {
  return { created: 0, updated: 0, unchanged: 0, errors: 0, pending: 0, lockBusy: false, ...over };
}
