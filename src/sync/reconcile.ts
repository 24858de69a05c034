// The safety net behind webhooks: pull every lead changed since the last pull (by
// updated_at, paged) that a row links, apply queued webhook work, and make sure AmoCRM's
// webhook subscription still exists and is switched on. A missed or failed webhook is
// therefore at most one background run late, never lost.
import { fetchAllPages } from '../amo/batching';
import { listContacts, listLeads, listWebhooks, subscribeWebhook } from '../amo/calls';
import type { Contact, Lead } from '../amo/types';
import { PROP, STATE } from './config';
import type { SyncContext } from './context';
import { clearQueuedPulls, readQueuedPulls } from './pending';
import { pullInto, PullReport } from './pull';
import { LOCK_WAIT_MS, readSyncedTable } from './push';

/** Webhook subscription and contact changes are checked at most this often. */
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
  webhook: 'ok' | 'restored' | 'skipped' | 'unavailable';
}

/** Pulls what changed in AmoCRM since the last pull; `full` also reads changed contacts. */
export function reconcile(ctx: SyncContext, full: boolean): ReconcileReport {
  const now = ctx.clock.now();
  const queued = readQueuedPulls(ctx.props.getAll());
  const leadCursor = cursor(ctx, STATE.pullCursor, now);
  const leads = changedLeads(ctx, leadCursor);
  const contactsDue =
    full || now - Number(ctx.props.get(STATE.contactsCursor + '_AT') ?? 0) >= HOURLY_MS;
  const contactCursor = cursor(ctx, STATE.contactsCursor, now);
  const contacts = contactsDue ? changedContacts(ctx, contactCursor) : [];
  const report: ReconcileReport = {
    rowsChanged: 0,
    rowsKept: 0,
    ignored: 0,
    leadsSeen: leads.length,
    webhook: 'skipped',
  };
  const req = {
    leadIds: [...queued.request.leadIds, ...leads.map(l => l.id)],
    contactIds: [...queued.request.contactIds, ...contacts.map(c => c.id)],
    deletedLeadIds: queued.request.deletedLeadIds,
  };
  if (queued.all || req.leadIds.length + req.contactIds.length + req.deletedLeadIds.length > 0) {
    if (!ctx.lock.tryLock(LOCK_WAIT_MS)) return report;
    try {
      const table = readSyncedTable(ctx);
      if (queued.all) req.leadIds.push(...linkedLeadIds(table));
      Object.assign(report, pullInto(ctx, table, { ...req, known: leads }));
      table.commit();
    } finally {
      ctx.lock.release();
    }
  }
  clearQueuedPulls(ctx.props, queued);
  saveCursor(ctx, STATE.pullCursor, leads, now);
  if (contactsDue) {
    saveCursor(ctx, STATE.contactsCursor, contacts, now);
    ctx.props.set(STATE.contactsCursor + '_AT', String(now));
  }
  report.webhook = checkWebhook(ctx, full);
  return report;
}

function linkedLeadIds(table: ReturnType<typeof readSyncedTable>): number[] {
  return table.rows
    .map(r => Number(table.text(r, 'amo_deal_id')))
    .filter(n => Number.isInteger(n) && n > 0);
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
  now: number
): void {
  const readAt = Math.floor(now / 1000);
  const newest = Math.max(0, ...items.map(i => i.updated_at));
  const next =
    items.length > 0 ? Math.min(newest + 1, readAt) : Math.max(cursor(ctx, key, now), readAt - 1);
  ctx.props.set(key, String(next));
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

/** Restores AmoCRM's subscription when it is gone or switched off (at most hourly). */
function checkWebhook(ctx: SyncContext, force: boolean): ReconcileReport['webhook'] {
  const now = ctx.clock.now();
  if (!force && now - Number(ctx.props.get(STATE.webhookCheckedAt) ?? 0) < HOURLY_MS)
    return 'skipped';
  const destination = webhookUrl(ctx);
  if (!destination) return 'unavailable';
  ctx.props.set(STATE.webhookCheckedAt, String(now));
  const hooks = ctx.amo.run(listWebhooks({ destination }));
  const ours = hooks.find(h => h.destination === destination);
  if (ours && !ours.disabled) return 'ok';
  ctx.amo.run(subscribeWebhook(destination, WEBHOOK_EVENTS));
  const message = 'the AmoCRM webhook subscription was missing or switched off and is restored';
  ctx.logger.info(`webhook: ${message}`);
  ctx.log.add({ flow: 'reconcile', target: '', outcome: 'recovered', message });
  return 'restored';
}

/** The URL AmoCRM posts to: the web app's URL with the shared secret. */
export function webhookUrl(ctx: Pick<SyncContext, 'triggers' | 'props'>): string | null {
  const base = ctx.triggers.webAppUrl();
  const secret = ctx.props.get(PROP.webhookSecret);
  if (!base || !secret) return null;
  return `${base}${base.includes('?') ? '&' : '?'}secret=${encodeURIComponent(secret)}`;
}
