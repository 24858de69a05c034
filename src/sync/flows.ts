// The script's jobs, as plain functions of the ports: what each global function does once the
// Apps Script event has been read. Kept free of Apps Script globals so the same code runs in
// the bundle and in a unit test.
import { AmoError } from '../amo/errors';
import { failureText, type FailureContext } from '../i18n/failures';
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import { learnAccount } from './account';
import { prepareFields, setupDropdowns } from '../fields/prepare';
import { buildContext } from './build-context';
import { missingSetup, PROP, readSettings, STATE, uiLanguage } from './config';
import type { Ports, SyncContext } from './context';
import { readClaims } from './claims';
import { emptyReport, LOCK_WAIT_MS, push, PushReport } from './push';
import { emptyPullReport } from './pull';
import { reconcile, ReconcileReport } from './reconcile';
import { exportLeads, exportPending, ExportReport } from './new-leads/export';
import { finishBackground, planBackground } from './schedule';
import { fullScanDue, recordFullScan } from './rescan';
import { ensureTriggers, TriggerSummary } from './triggers';

/** The block an edit touched, 1-based and inclusive. */
export interface EditedRange {
  sheetName: string;
  top: number;
  bottom: number;
  left: number;
  right: number;
  /** When the on-edit run started (epoch ms): the edit happened before. */
  firedAt?: number;
}

export interface EditResult {
  skipped?: string;
  report?: PushReport;
}

/** handleEdit: syncs every data row the edit touched, on the synced sheet only. */
export function syncEditedRows(ports: Ports, edit: EditedRange): EditResult {
  // Not set up (the settings were cleared after the trigger was installed): nothing to do.
  if (missingSetup(ports.props.getAll()).length > 0) return { skipped: 'not set up' };
  const lang = langOf(ports);
  const ctx = buildContext(ports, { flow: 'edit' });
  const sheet = ctx.spreadsheet.sheet(ctx.settings.sheetName);
  if (!sheet || sheet.name !== edit.sheetName) return { skipped: 'another sheet' };
  if (edit.bottom < 2) return { skipped: 'the header row' };
  const rows: number[] = [];
  for (let r = Math.max(2, edit.top); r <= edit.bottom; r++) rows.push(r);
  return logged(ctx, () => {
    const said: string[] = [];
    const report = guarded(
      ctx,
      lang,
      said,
      () => push(ctx, { rows, columns: [edit.left, edit.right], firedAt: edit.firedAt }),
      NO_PUSH
    );
    if (said.length > 0) ctx.spreadsheet.toast(said.join('\n'), messages(lang).titles.error);
    return { report };
  });
}

export interface SyncSummary {
  push: PushReport;
  pull?: ReconcileReport;
  message: string;
}

/** syncNow: pushes every new or changed row, then pulls what changed in AmoCRM. */
export function syncEverything(ports: Ports): SyncSummary {
  return menuJob(ports, 'sync', syncAll);
}

/**
 * A job the menu starts: refused (saying what to fill in) until set up; otherwise run with a
 * progress toast and its sync-log entries written at the end.
 */
function menuJob(
  ports: Ports,
  flow: 'sync' | 'import' | 'export',
  job: (ctx: SyncContext, lang: Lang) => SyncSummary
): SyncSummary {
  const lang = langOf(ports);
  const unready = refuseUnconfigured(ports, lang);
  if (unready) return unready;
  const ctx = buildContext(ports, { flow });
  ctx.progress = progressToast(ctx, lang);
  return logged(ctx, () => job(ctx, lang));
}

function syncAll(ctx: SyncContext, lang: Lang): SyncSummary {
  const text = messages(lang);
  const said: string[] = [];
  const pushed = guarded(ctx, lang, said, () => push(ctx, 'all'), NO_PUSH);
  const pulled = guarded(ctx, lang, said, () => reconcile(ctx, true), NO_PULL);
  const summary = text.sync.summary({ ...pushed, pulled: pulled.rowsChanged });
  const lines = [summary];
  if ((pulled.rowsAdded ?? 0) > 0) lines.push(text.sync.leadsAdded(pulled.rowsAdded ?? 0));
  if (pushed.lockBusy) lines.push(text.sync.busy);
  if (pushed.errors > 0) lines.push(text.sync.rowErrors(pushed.errors));
  const done = pushed.created + pushed.updated + pushed.errors;
  if (pushed.pending > 0 && !pushed.lockBusy) {
    lines.push(text.sync.continues(done, done + pushed.pending));
    rememberMenuWork(ctx, 'sync', done, done + pushed.pending);
  }
  if (said.length === 0) ctx.props.set(STATE.lastSync, String(ctx.clock.now()));
  // One toast: a later toast replaces an earlier one, so an error shown first and a summary
  // after would hide the error. The error leads; the summary follows.
  tell(ctx, said, lines, said.length > 0 ? text.titles.error : text.titles.sync);
  // The returned text is the execution's record: the counts first, then what went wrong.
  return { push: pushed, pull: pulled, message: [...lines, ...said].join('\n') };
}

/** importExistingRows: creates leads for rows that have none; resumes on the next run. */
export function importRows(ports: Ports): SyncSummary {
  return menuJob(ports, 'import', importAll);
}

function importAll(ctx: SyncContext, lang: Lang): SyncSummary {
  const text = messages(lang);
  const said: string[] = [];
  const pushed = guarded(ctx, lang, said, () => push(ctx, 'all', true), NO_PUSH);
  const left = pushed.lockBusy ? 0 : pushed.pending;
  const done = pushed.created + pushed.errors;
  const lines = [text.importRows.summary({ created: pushed.created, errors: pushed.errors, left })];
  if (done + left === 0 && said.length === 0 && !pushed.lockBusy) {
    lines.splice(0, 1, text.importRows.nothingToDo);
  }
  if (pushed.lockBusy) lines.push(text.sync.busy);
  if (pushed.errors > 0) lines.push(text.sync.rowErrors(pushed.errors));
  if (left > 0) {
    lines.push(text.sync.continues(done, done + left));
    rememberMenuWork(ctx, 'import', done, done + left);
  }
  tell(ctx, said, lines, said.length > 0 ? text.titles.error : text.titles.importRows);
  const message = [...lines, ...said].join('\n');
  ctx.logger.info(`import: ${message}`);
  return { push: pushed, message };
}

/**
 * The time-driven trigger (every minute): idles after one Script Properties read unless
 * webhooks are queued or the pull is due (src/sync/schedule.ts); else retries and continues
 * pushes, then reconciles.
 */
export function backgroundWork(ports: Ports): SyncSummary {
  // Nothing configured: nothing to retry, nothing to pull, and nothing to fail about (a thrown
  // error here would make Google mail the owner every minute).
  const props = ports.props.getAll();
  if (missingSetup(props).length > 0) {
    const message = `background: ${messages('en').setup.backgroundIdle}`;
    ports.logger.info(message);
    return { push: emptyReport(), message };
  }
  const plan = planBackground(props, ports.clock.now());
  if (!plan.due) return { push: NO_PUSH, message: `background: ${plan.reason}` };
  const lang = langOf(ports);
  const ctx = buildContext(ports, { flow: 'background' });
  const scan = fullScanDue(props, ports.clock.now());
  return logged(ctx, () => {
    const summary = background(ctx, lang, scan);
    finishBackground(ctx, plan, summary.pull?.webhook);
    return summary;
  });
}

/** `scan`: push every new or changed row (src/sync/rescan.ts says when); else only pull. */
function background(ctx: SyncContext, lang: Lang, scan: boolean): SyncSummary {
  const said: string[] = [];
  const pushed = scan ? guarded(ctx, lang, said, () => push(ctx, 'all'), NO_PUSH) : NO_PUSH;
  if (scan) recordFullScan(ctx.props, ctx.clock.now());
  const pulled = guarded(ctx, lang, said, () => reconcile(ctx, false), NO_PULL);
  if (said.length === 0) ctx.props.set(STATE.lastSync, String(ctx.clock.now()));
  finishMenuWork(ctx, lang, pushed);
  if (exportPending(ctx.props.getAll())) continueExport(ctx, lang, said);
  const message = `background: created ${pushed.created}, updated ${pushed.updated}, errors ${pushed.errors}, pending ${pushed.pending}, pulled ${pulled.rowsChanged}, new leads ${pulled.rowsAdded ?? 0}`;
  ctx.logger.info(message);
  return { push: pushed, pull: pulled, message };
}

/** exportLeads: a row for every lead of the chosen pipelines that no row links; resumes. */
export function exportAllLeads(ports: Ports): SyncSummary {
  return menuJob(ports, 'export', exportAll);
}

function exportAll(ctx: SyncContext, lang: Lang): SyncSummary {
  const text = messages(lang);
  const said: string[] = [];
  const report = guarded(ctx, lang, said, () => exportLeads(ctx), NO_EXPORT);
  const lines = [exportSummary(lang, report)];
  if (report.lockBusy) lines.push(text.sync.busy);
  tell(ctx, said, lines, said.length > 0 ? text.titles.error : text.titles.exportLeads);
  const message = [...lines, ...said].join('\n');
  ctx.logger.info(`export: ${message}`);
  return { push: NO_PUSH, message };
}

function exportSummary(lang: Lang, report: ExportReport): string {
  const text = messages(lang).exportLeads;
  if (!report.done) return text.continues(report.added, report.total);
  return report.total === 0 ? text.nothingToDo : text.finished(report.added, report.total);
}

/** The background run carries on an export the menu started; its end goes to the log sheet. */
function continueExport(ctx: SyncContext, lang: Lang, said: string[]): void {
  const report = guarded(ctx, lang, said, () => exportLeads(ctx), NO_EXPORT);
  if (!report.done) return;
  const message = exportSummary(lang, report);
  ctx.log.add({ flow: 'export', target: '', outcome: 'finished', message });
  try {
    ctx.spreadsheet.toast(message, messages(lang).titles.exportLeads);
  } catch {
    // No one has the sheet open in a trigger run: the log line is the record.
  }
}

// ---- Work the menu started and the background run finishes ----------------------------------

interface MenuWork {
  flow: 'import' | 'sync';
  done: number;
  total: number;
}

function rememberMenuWork(ctx: SyncContext, flow: MenuWork['flow'], done: number, total: number) {
  const work: MenuWork = { flow, done, total };
  ctx.props.set(STATE.menuWork, JSON.stringify(work));
}

/**
 * When the rows the menu left waiting are all done, the person hears it: a line in the log
 * sheet, which stays, and a toast, which a trigger run may have no one to show to.
 */
function finishMenuWork(ctx: SyncContext, lang: Lang, pushed: PushReport): void {
  const raw = ctx.props.get(STATE.menuWork);
  if (!raw || pushed.lockBusy) return;
  let work: MenuWork;
  try {
    work = JSON.parse(raw) as MenuWork;
  } catch {
    ctx.props.delete(STATE.menuWork);
    return;
  }
  const done = Math.min(work.total, work.done + pushed.created + pushed.updated + pushed.errors);
  if (pushed.pending > 0) {
    rememberMenuWork(ctx, work.flow, done, Math.max(work.total, done + pushed.pending));
    return;
  }
  ctx.props.delete(STATE.menuWork);
  const message = messages(lang).sync.backgroundFinished(work.flow, work.total);
  ctx.log.add({ flow: ctx.flow, target: '', outcome: 'finished', message });
  const title = messages(lang).titles[work.flow === 'import' ? 'importRows' : 'sync'];
  try {
    ctx.spreadsheet.toast(message, title);
  } catch {
    // No one has the sheet open in a trigger run: the log line is the record.
  }
}

export interface TriggersAnswer extends TriggerSummary {
  /** Set when nothing was installed because the script is not set up yet. */
  refused?: string;
  /** What the person reads. */
  message: string;
}

/**
 * installTriggers: refuses (and says what to fill in) until the settings are saved, since a
 * background trigger without settings would only fail. Then the two triggers, and what the
 * first sync would otherwise fetch: the account (to check webhooks), the lead field that
 * carries each row's id, and the pipelines' status names. Setup failures do not stop the
 * triggers; they are said after the triggers' news.
 */
export function installAllTriggers(ports: Ports): TriggersAnswer {
  const lang = langOf(ports);
  const text = messages(lang);
  const missing = missingSetup(ports.props.getAll());
  if (missing.length > 0) {
    const refused = text.setup.triggersRefused(missing.map(m => text.setup.missing[m]));
    return { created: [], removed: 0, refused, message: refused };
  }
  const summary = ensureTriggers(ports.triggers, { props: ports.props, now: ports.clock.now() });
  ports.props.set(STATE.triggersAt, String(ports.clock.now()));
  const lines = [text.setup.triggersReady(summary.created.length, summary.removed)];
  // Another editor runs the triggers: say who, instead of making a second pair.
  if (summary.note) return { ...summary, message: summary.note };
  try {
    const ctx = buildContext(ports, { flow: 'sync' });
    learnAccount(ctx.amo, ctx.props);
    // The fields columns may map to: read at setup, so no sync spends a request on them.
    prepareFields(ctx);
    ctx.statuses.pipelines();
    setupDropdowns(ctx);
  } catch (e) {
    const reason = failureText(e, lang, failureContext(ports));
    ports.logger.warn(`installTriggers: AmoCRM not prepared: ${logText(e)}`);
    lines.push(text.setup.prepareFailed(reason));
  }
  return { ...summary, message: lines.join('\n') };
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
 * Runs a step; an AmoCRM failure that stops the whole step (authorization, a block) is logged
 * and put into `said` in the person's language, and the rows keep what they had so a later run
 * retries them. The caller shows `said` together with its summary.
 */
function guarded<T>(ctx: SyncContext, lang: Lang, said: string[], step: () => T, fallback: T): T {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof AmoError)) throw e;
    ctx.logger.error(`AmoCRM: ${e.message}`);
    const text = failureText(e, lang, failureContext(ctx));
    ctx.log.add({ flow: ctx.flow, target: '', outcome: 'failed', message: text });
    if (!said.includes(text)) said.push(text);
    return fallback;
  }
}

/** Errors first, then the rest, in one toast. */
function tell(ctx: SyncContext, said: string[], lines: string[], title: string): void {
  ctx.spreadsheet.toast([...said, ...lines].join('\n'), title);
}

/** Between two progress toasts: the last one stays readable, and a quick run shows none. */
const PROGRESS_EVERY_MS = 5_000;

/** A toast now and then while long work goes on: "Working: 200 of 600 rows done…". */
function progressToast(ctx: SyncContext, lang: Lang): (done: number, total: number) => void {
  const titles = messages(lang).titles;
  const title =
    ctx.flow === 'import'
      ? titles.importRows
      : ctx.flow === 'export'
        ? titles.exportLeads
        : titles.sync;
  let last = ctx.clock.now();
  return (done, total) => {
    const now = ctx.clock.now();
    if (total <= 0 || done >= total || now - last < PROGRESS_EVERY_MS) return;
    last = now;
    ctx.spreadsheet.toast(messages(lang).sync.progress(done, total), title);
  };
}

/**
 * Sync now and Import before the settings are saved: nothing is read or written; the person
 * hears what to fill in, in words, and where.
 */
function refuseUnconfigured(ports: Ports, lang: Lang): SyncSummary | null {
  const missing = missingSetup(ports.props.getAll());
  if (missing.length === 0) return null;
  const text = messages(lang);
  const message = text.setup.notConfigured(missing.map(m => text.setup.missing[m]));
  ports.spreadsheet.toast(message, text.titles.setup);
  return { push: emptyReport(), message };
}

export function langOf(ports: Pick<Ports, 'spreadsheet' | 'props'>): Lang {
  return uiLanguage(ports.spreadsheet, ports.props);
}

function failureContext(ports: Pick<Ports, 'props'>): FailureContext {
  return {
    baseUrl: ports.props.get(PROP.baseUrl) ?? '',
    usesToken: Boolean(ports.props.get(PROP.longLivedToken)),
    during: 'run',
  };
}

function logText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const NO_PUSH: PushReport = emptyReport();
const NO_EXPORT: ExportReport = { added: 0, total: 0, done: false, lockBusy: false };
const NO_PULL: ReconcileReport = { ...emptyPullReport(), leadsSeen: 0, webhook: 'skipped' };
