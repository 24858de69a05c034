// The script's jobs, as plain functions of the ports: what each global function does once the
// Apps Script event has been read. Kept free of Apps Script globals so the same code runs in
// the bundle and in a unit test.
import { AmoError } from '../amo/errors';
import { learnAccount } from './account';
import { rowIdFieldId } from './amo-reads';
import { buildContext } from './build-context';
import { PROP, readSettings, STATE } from './config';
import type { Ports, SyncContext } from './context';
import { readClaims } from './claims';
import { emptyReport, LOCK_WAIT_MS, push, PushReport } from './push';
import { emptyPullReport } from './pull';
import { reconcile, ReconcileReport } from './reconcile';
import { finishBackground, planBackground } from './schedule';
import { ensureTriggers, TriggerSummary } from './triggers';

/** The block an edit touched, 1-based and inclusive. */
export interface EditedRange {
  sheetName: string;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface EditResult {
  skipped?: string;
  report?: PushReport;
}

/** handleEdit: syncs every data row the edit touched, on the synced sheet only. */
export function syncEditedRows(ports: Ports, edit: EditedRange): EditResult {
  const ctx = buildContext(ports, { flow: 'edit' });
  const sheet = ctx.spreadsheet.sheet(ctx.settings.sheetName);
  if (!sheet || sheet.name !== edit.sheetName) return { skipped: 'another sheet' };
  if (edit.bottom < 2) return { skipped: 'the header row' };
  const rows: number[] = [];
  for (let r = Math.max(2, edit.top); r <= edit.bottom; r++) rows.push(r);
  return logged(ctx, () => ({
    report: guarded(ctx, () => push(ctx, { rows, columns: [edit.left, edit.right] }), NO_PUSH),
  }));
}

export interface SyncSummary {
  push: PushReport;
  pull?: ReconcileReport;
  message: string;
}

/** syncNow: pushes every new or changed row, then pulls what changed in AmoCRM. */
export function syncEverything(ports: Ports): SyncSummary {
  const ctx = buildContext(ports, { flow: 'sync' });
  return logged(ctx, () => syncAll(ctx));
}

function syncAll(ctx: SyncContext): SyncSummary {
  const pushed = guarded(ctx, () => push(ctx, 'all'), NO_PUSH);
  const pulled = guarded(ctx, () => reconcile(ctx, true), NO_PULL);
  const message =
    `Created ${pushed.created}, updated ${pushed.updated}, unchanged ${pushed.unchanged}, ` +
    `errors ${pushed.errors}, pending ${pushed.pending}; rows updated from AmoCRM ${pulled.rowsChanged}`;
  ctx.spreadsheet.toast(message, 'AmoCRM sync');
  return { push: pushed, pull: pulled, message };
}

/** importExistingRows: creates leads for rows that have none; resumes on the next run. */
export function importRows(ports: Ports): SyncSummary {
  const ctx = buildContext(ports, { flow: 'import' });
  return logged(ctx, () => importAll(ctx));
}

function importAll(ctx: SyncContext): SyncSummary {
  const pushed = guarded(ctx, () => push(ctx, 'all', true), NO_PUSH);
  const left = pushed.pending;
  const message =
    `Imported ${pushed.created}, errors ${pushed.errors}, left ${left}` +
    (left > 0 ? ' (the background run continues)' : '');
  ctx.spreadsheet.toast(message, 'AmoCRM import');
  ctx.logger.info(`import: ${message}`);
  return { push: pushed, message };
}

/**
 * The time-driven trigger (every minute): idles after one Script Properties read unless
 * webhooks are queued or the pull is due (src/sync/schedule.ts); else retries and continues
 * pushes, then reconciles.
 */
export function backgroundWork(ports: Ports): SyncSummary {
  const plan = planBackground(ports.props.getAll(), ports.clock.now());
  if (!plan.due) return { push: NO_PUSH, message: `background: ${plan.reason}` };
  const ctx = buildContext(ports, { flow: 'background' });
  return logged(ctx, () => {
    const summary = background(ctx);
    finishBackground(ctx, plan, summary.pull?.webhook);
    return summary;
  });
}

function background(ctx: SyncContext): SyncSummary {
  const pushed = guarded(ctx, () => push(ctx, 'all'), NO_PUSH);
  const pulled = guarded(ctx, () => reconcile(ctx, false), NO_PULL);
  const message = `background: created ${pushed.created}, updated ${pushed.updated}, errors ${pushed.errors}, pending ${pushed.pending}, pulled ${pulled.rowsChanged}`;
  ctx.logger.info(message);
  return { push: pushed, pull: pulled, message };
}

/**
 * installTriggers: the two triggers, and — when AmoCRM is configured — what the first sync
 * would otherwise fetch: the account (to check webhooks), the lead field that carries each
 * row's id, and the pipelines' status names. Setup failures do not stop the triggers.
 */
export function installAllTriggers(ports: Ports): TriggerSummary & { prepared: string } {
  const summary = ensureTriggers(ports.triggers, { props: ports.props, now: ports.clock.now() });
  let prepared = 'AmoCRM not prepared';
  try {
    const ctx = buildContext(ports, { flow: 'sync' });
    learnAccount(ctx.amo, ctx.props);
    rowIdFieldId(ctx.amo, ctx.props);
    ctx.statuses.pipelines();
    prepared = 'AmoCRM prepared';
  } catch (e) {
    prepared = `AmoCRM not prepared: ${e instanceof Error ? e.message : String(e)}`;
    ports.logger.warn(`installTriggers: ${prepared}`);
  }
  return { ...summary, prepared };
}

/** doGet: a health answer with no secret in it. */
export function health(ports: Ports, version: string): Record<string, unknown> {
  const props = ports.props.getAll();
  const claims = readClaims(props, ports.clock.now());
  return {
    status: 'healthy',
    version,
    configured: readSettings(props).ok && Boolean(props[PROP.webhookSecret]),
    pendingWork: claims.stale.length > 0 || Boolean(props[STATE.dirty]),
  };
}

/**
 * Runs a job and writes its sync-log entries at the end, whatever happened. The log sheet is
 * written under the script lock: two executions inserting their lines at once would write
 * over each other's.
 */
function logged<T>(ctx: SyncContext, job: () => T): T {
  try {
    return job();
  } finally {
    const locked = ctx.lock.tryLock(LOCK_WAIT_MS);
    try {
      ctx.log.flush(locked, ctx.uuid());
    } finally {
      if (locked) ctx.lock.release();
    }
  }
}

/**
 * Runs a step; an AmoCRM failure that stops the whole step (settings, authorization, a block)
 * is logged and shown, and the rows keep what they had so a later run retries them.
 */
function guarded<T>(ctx: SyncContext, step: () => T, fallback: T): T {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof AmoError)) throw e;
    ctx.logger.error(`AmoCRM: ${e.message}`);
    ctx.log.add({ flow: ctx.flow, target: '', outcome: 'failed', message: e.message });
    ctx.spreadsheet.toast(e.message, 'AmoCRM: error');
    return fallback;
  }
}

const NO_PUSH: PushReport = emptyReport();
const NO_PULL: ReconcileReport = { ...emptyPullReport(), leadsSeen: 0, webhook: 'skipped' };
