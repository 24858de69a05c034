// The safety net behind webhooks: pull every lead changed since the last pull (by
// updated_at, paged) that a row links, apply queued webhook work, and make sure AmoCRM's
// webhook subscription still exists and is switched on. A missed lead change is at most one
// background run late; a missed contact change or deletion is caught up by syncNow, and by
// the background run once it finds that AmoCRM had switched the webhooks off.
import { fetchAllPages } from '../amo/batching';
import { AmoError } from '../amo/errors';
import { PIPELINES_CACHE_KEY, StatusDirectory } from '../amo/pipelines';
import { listContacts, listLeads, listWebhooks, subscribeWebhook } from '../amo/calls';
import type { Contact, Lead } from '../amo/types';
import { STATE } from './config';
import type { SyncContext } from './context';
import { clearQueuedPulls, queuePull, readQueuedPulls } from './pending';
import { emptyPullReport, pull, PullReport } from './pull';
import { readClaims } from './claims';
import { webhookUrl } from './webhook-url';
import { addArrivedLeads } from './new-leads/arrivals';
import { changedLeadsSince } from './create-windows';

export { webhookUrl };

/** The webhook subscription is checked at most this often by the background run. */
const HOURLY_MS = 60 * 60 * 1000;
export const WEBHOOK_EVENTS = [
  'add_lead',
  'update_lead',
  'status_lead',
  'delete_lead',
  'restore_lead',
  'update_contact',
];

export interface ReconcileReport extends PullReport {
  leadsSeen: number;
  /** Rows added for leads created in AmoCRM (IMPORT_NEW_LEADS). */
  rowsAdded?: number;
  webhook: 'ok' | 'restored' | 'skipped' | 'unavailable';
}

/**
 * Pulls what changed in AmoCRM since the last pull: the leads changed since then (one
 * request when nothing changed) and the queued webhook work. Once an hour it checks the
 * webhook subscription; when that finds it switched off or gone (webhooks were lost), and on
 * every syncNow (`full`), it also catches up on what the lead list cannot show: contacts
 * changed and leads deleted since the last catch-up.
 */
export function reconcile(ctx: SyncContext, full: boolean): ReconcileReport {
  const now = ctx.clock.now();
  const claimedSince = oldestClaim(ctx, now);
  const queued = readQueuedPulls(ctx.props.getAll());
  const leadCursor = cursor(ctx, STATE.pullCursor, now);
  const leads = changedLeadsSince(ctx, leadCursor, from => changedLeads(ctx, from));
  const webhookDue = full || now - Number(ctx.props.get(STATE.webhookCheckedAt) ?? 0) >= HOURLY_MS;
  const webhook = webhookDue ? checkWebhook(ctx) : 'skipped';
  // Remembered until done: a run that cannot take the lock leaves it to the next one.
  if (webhook === 'restored') ctx.props.set(CATCH_UP, '1');
  const catchUp = full || ctx.props.get(CATCH_UP) === '1';
  const catchUpFrom = cursor(ctx, STATE.contactsCursor, now);
  const contacts = catchUp ? changedContacts(ctx, catchUpFrom) : [];
  const deleted = catchUp ? deletedLeads(ctx, Math.min(catchUpFrom, leadCursor)) : [];
  const report: ReconcileReport = { ...emptyPullReport(), leadsSeen: leads.length, webhook };
  // A lead nobody changed since it was created still holds what its row sent (an import's
  // 10,000 new leads must not be read back, with their contacts, by the next run).
  // A lead nobody changed since it was created still holds what its row sent, but a change
  // within its first second looks the same: its own fields are applied (the listing has
  // them), and only its contact is not read (an import's 10,000 new contacts must not be).
  const touched = leads;
  const leadOnly = leads.filter(l => !changedSinceCreated(ctx, l)).map(l => l.id);
  const req = {
    leadIds: [...queued.request.leadIds, ...touched.map(l => l.id)],
    contactIds: [...queued.request.contactIds, ...contacts.map(c => c.id)],
    deletedLeadIds: [...queued.request.deletedLeadIds, ...deleted.map(l => l.id)],
  };
  if (queued.all || req.leadIds.length + req.contactIds.length + req.deletedLeadIds.length > 0) {
    Object.assign(
      report,
      pull(ctx, {
        ...req,
        all: queued.all,
        known: touched,
        knownContacts: contacts,
        readAt: now,
        leadOnly,
      })
    );
  }
  const held = addNewLeads(ctx, leads, leadCursor, report);
  clearQueuedPulls(ctx.props, queued);
  readAgainAfterCreates(ctx, claimedSince, queued.request.contactIds, contacts);
  saveCursor(ctx, STATE.pullCursor, leads, now, earliest(claimedSince, held));
  if (catchUp) {
    saveCursor(ctx, STATE.contactsCursor, [...contacts, ...deleted], now);
    ctx.props.delete(CATCH_UP);
  } else if (ctx.props.get(STATE.contactsCursor) === null) {
    // Anchored at the first run, so a catch-up covers everything since then.
    ctx.props.set(STATE.contactsCursor, String(catchUpFrom));
  }
  keepStatusNamesWarm(ctx, now, webhookDue);
  return report;
}

/**
 * Leads created in AmoCRM since the cursor become rows (src/sync/new-leads). Returns where the
 * cursor must stay so that leads not added now are listed again; an AmoCRM failure here holds
 * it where it was and leaves the rest of the pull done.
 */
function addNewLeads(
  ctx: SyncContext,
  leads: Lead[],
  from: number,
  report: ReconcileReport
): number | null {
  try {
    const arrived = addArrivedLeads(ctx, leads, from);
    report.rowsAdded = arrived.added;
    return arrived.holdCursorAt;
  } catch (e) {
    if (!(e instanceof AmoError)) throw e;
    ctx.logger.warn(`new leads: not added now, the next run tries again: ${e.message}`);
    return from;
  }
}

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

/**
 * A lead changed after it was created: a later update, or moved elsewhere than new leads start
 * (a robot may move it within the second it was made, before its row links it).
 */
function changedSinceCreated(ctx: SyncContext, lead: Lead): boolean {
  if (lead.updated_at > lead.created_at) return true;
  return lead.status_id !== ctx.settings.statusId || lead.pipeline_id !== ctx.settings.pipelineId;
}

/** Set when the subscription had to be restored: contacts and deletions must be caught up. */
const CATCH_UP = 'SYNC_CATCH_UP';
const STATUS_NAMES_AT = 'SYNC_PIPELINES_READ_AT';
/** Under the 6 hours the status names stay in the script cache, by more than a run's gap. */
const STATUS_NAMES_REFRESH_MS = 5 * 60 * 60 * 1000;

/**
 * Re-reads the pipelines' status names before their cached copy expires, so a webhook never
 * pays a third request for them: one extra request every 5 hours or so, here, and — while the
 * copy is still good — never in the run that already checks the webhook subscription.
 */
function keepStatusNamesWarm(ctx: SyncContext, now: number, busyRun: boolean): void {
  const readAt = Number(ctx.props.get(STATUS_NAMES_AT) ?? 0);
  const cached = ctx.cache.get(PIPELINES_CACHE_KEY) !== null;
  if (cached && readAt === 0) {
    // Cached by someone else (installTriggers, a pull): from now on this run keeps it fresh.
    ctx.props.set(STATUS_NAMES_AT, String(now));
    return;
  }
  if (cached && (busyRun || now - readAt < STATUS_NAMES_REFRESH_MS)) return;
  try {
    ctx.cache.remove(PIPELINES_CACHE_KEY);
    new StatusDirectory({ runner: ctx.amo, cache: ctx.cache, logger: ctx.logger }).pipelines();
    ctx.props.set(STATUS_NAMES_AT, String(now));
  } catch (e) {
    if (!(e instanceof AmoError)) throw e;
    ctx.logger.warn(`The pipelines could not be read ahead: ${e.message}`);
  }
}

/**
 * While rows are being created (a claim exists), a lead may change in AmoCRM before its row
 * links it, and such a change is ignored now: the lead cursor stays before the oldest claim
 * so the next pull reads those leads again, once their rows link them.
 */
function oldestClaim(ctx: SyncContext, now: number): number | null {
  const claims = readClaims(ctx.props.getAll(), now);
  const all = [...claims.live, ...claims.stale];
  return all.length === 0 ? null : Math.floor(Math.min(...all.map(c => c.at)) / 1000) - 1;
}

/**
 * While rows are being created (a claim exists), a new row may be linking a customer AmoCRM
 * knew (typed again) whose change this pull applied only to the rows linked already; its lead,
 * unchanged since made, is read again without its contact (leadOnly). So the contacts named now
 * are queued again, and the next run reads those some row links, the new rows too once linked.
 * Contacts made since the oldest claim are not: a create may have made them, none reused them.
 */
function readAgainAfterCreates(
  ctx: SyncContext,
  claimedSince: number | null,
  queuedIds: number[],
  listed: Contact[]
): void {
  if (claimedSince === null) return;
  const older = listed.filter(c => c.created_at <= claimedSince).map(c => c.id);
  const contactIds = [...new Set([...queuedIds, ...older])];
  if (contactIds.length === 0) return;
  queuePull(ctx.props, ctx.uuid(), { leadIds: [], contactIds, deletedLeadIds: [] });
}

/** Unix seconds to pull from: the saved cursor, or (first run) the last hour. */
function cursor(ctx: SyncContext, key: string, now: number): number {
  const saved = Number(ctx.props.get(key) ?? '');
  return saved > 0 ? saved : Math.floor(now / 1000) - 3600;
}

/**
 * The next cursor: one second past the newest change seen, but never past the second the
 * read was made in (a change later in that same second must be read next time).
 */
function saveCursor(
  ctx: SyncContext,
  key: string,
  items: Array<Lead | Contact>,
  now: number,
  notAfter: number | null = null
): void {
  const readAt = Math.floor(now / 1000);
  const newest = Math.max(0, ...items.map(i => i.updated_at));
  const next =
    items.length > 0 ? Math.min(newest + 1, readAt) : Math.max(cursor(ctx, key, now), readAt - 1);
  ctx.props.set(
    key,
    String(notAfter === null ? next : Math.min(next, Math.max(notAfter, cursor(ctx, key, now))))
  );
}

function changedLeads(ctx: SyncContext, from: number): Lead[] {
  return fetchAllPages(ctx.amo, page =>
    listLeads({
      updatedFrom: from,
      with: ['contacts'],
      page,
      limit: 250,
      order: { field: 'updated_at', direction: 'asc' },
    })
  );
}

function changedContacts(ctx: SyncContext, from: number): Contact[] {
  return fetchAllPages(ctx.amo, page =>
    listContacts({
      updatedFrom: from,
      page,
      limit: 250,
      order: { field: 'updated_at', direction: 'asc' },
    })
  );
}

/** Leads deleted since `from` (a deletion bumps updated_at); the list of changes omits them. */
function deletedLeads(ctx: SyncContext, from: number): Lead[] {
  return fetchAllPages(ctx.amo, page =>
    listLeads({ updatedFrom: from, with: ['only_deleted'], page, limit: 250 })
  );
}

/**
 * Restores AmoCRM's subscription when it is gone or switched off. A failure here does not
 * stop the pull; the check is tried again in an hour.
 */
function checkWebhook(ctx: SyncContext): ReconcileReport['webhook'] {
  const destination = webhookUrl(ctx);
  if (!destination) return 'unavailable';
  ctx.props.set(STATE.webhookCheckedAt, String(ctx.clock.now()));
  try {
    const hooks = ctx.amo.run(listWebhooks({ destination }));
    const ours = hooks.find(h => h.destination === destination);
    if (ours && !ours.disabled) return 'ok';
    ctx.amo.run(subscribeWebhook(destination, WEBHOOK_EVENTS));
  } catch (e) {
    if (!(e instanceof AmoError)) throw e;
    ctx.logger.warn(`webhook: the AmoCRM subscription could not be checked: ${e.message}`);
    return 'unavailable';
  }
  ctx.logger.info('webhook: the AmoCRM subscription was missing or switched off and is restored');
  return 'restored';
}
