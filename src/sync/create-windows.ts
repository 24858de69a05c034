// When this script created leads, and from which id: so the pull's list of changed leads
// (src/sync/reconcile.ts) does not read back every lead an import just made (100,000 rows:
// 400 pages) only to find that nobody changed them.
//
// A window is [from, to] (unix seconds) during which a push created leads, the lowest of
// them `minId`. AmoCRM gives ids in increasing order, so every lead with a lower id existed
// before the window. The leads changed since the cursor are then listed as:
//  A. changed since the cursor with an id below the lowest window's `minId`, in id order,
//     stopping at the first page past it (existing leads, whenever they changed);
//  B. every lead changed between two windows, and after the last one.
// What this does not list: a lead someone else created, or changed after we created it,
// during a window. AmoCRM's webhooks report those (add_lead, update_lead, status_lead are
// subscribed); this listing is the safety net behind them, so a change is missed only when its
// webhook was lost during an import's run. The windows are kept in the script cache; without
// them (evicted, expired) the pull lists every change, as before.
import { AMO_LIMITS, listLeads } from '../amo/calls';
import type { Lead } from '../amo/types';
import type { SyncContext } from './context';
import type { Outcomes } from './push-send';

const KEY = 'SYNC_CREATE_WINDOWS';
/** As long as the cache keeps anything; a cursor older than that lists every change. */
const TTL_S = 6 * 60 * 60;
/** The windows kept (an import makes one per run). */
const MAX_WINDOWS = 20;
/** AmoCRM counts whole seconds on its own clock: B starts a second early, ends a second late. */
const MARGIN_S = 1;

type Window = [minId: number, from: number, to: number];

/** After a push's creates: the window they took, with their lowest lead id. */
export function recordCreateWindow(ctx: SyncContext, startedAt: number, outcomes: Outcomes): void {
  let minId = Infinity;
  let count = 0;
  for (const o of outcomes.values()) {
    if (o.kind !== 'created' || o.adopted) continue;
    count++;
    if (o.dealId < minId) minId = o.dealId;
  }
  // Fewer leads than a page: listing them costs no more than listing around them (A and B).
  if (count < AMO_LIMITS.pageSize) return;
  const window: Window = [minId, Math.floor(startedAt / 1000), Math.floor(ctx.clock.now() / 1000)];
  try {
    const windows = [...readWindows(ctx), window].slice(-MAX_WINDOWS);
    ctx.cache.put(KEY, JSON.stringify(windows), TTL_S);
  } catch (e) {
    ctx.logger.warn(`The create window could not be kept: ${String(e)}`);
  }
}

/**
 * The leads changed since `from` (unix seconds), without those only we touched in a create
 * window; `listAll` when no window is known since `from`.
 */
export function changedLeadsSince(
  ctx: SyncContext,
  from: number,
  listAll: (from: number) => Lead[]
): Lead[] {
  const windows = readWindows(ctx)
    .filter(w => w[2] >= from)
    .sort((a, b) => a[1] - b[1]);
  if (windows.length === 0) return listAll(from);
  const below = Math.min(...windows.map(w => w[0]));
  const streams: Stream[] = [{ from, to: null, belowId: below }];
  windows.forEach((w, i) => {
    const next = windows[i + 1];
    streams.push({
      from: Math.max(from, w[2] - MARGIN_S),
      to: next ? next[1] + MARGIN_S : null,
      belowId: Infinity,
    });
  });
  const byId = new Map<number, Lead>();
  for (const lead of listStreams(ctx, streams)) byId.set(lead.id, lead);
  return [...byId.values()].sort((a, b) => a.updated_at - b.updated_at || a.id - b.id);
}

interface Stream {
  from: number;
  to: number | null;
  /** Stop past this id (A); Infinity lists every page. */
  belowId: number;
}

/** The streams side by side, a page of each per round trip. */
function listStreams(ctx: SyncContext, streams: Stream[]): Lead[] {
  const open = streams
    .filter(s => s.to === null || s.to >= s.from)
    .map(s => ({ ...s, page: 1, open: true }));
  const out: Lead[] = [];
  while (open.some(s => s.open)) {
    const now = open.filter(s => s.open);
    const pages = ctx.amo.runAll(
      now.map(s =>
        listLeads({
          updatedFrom: s.from,
          ...(s.to === null ? {} : { updatedTo: s.to }),
          with: ['contacts'],
          page: s.page,
          limit: AMO_LIMITS.pageSize,
          order: { field: 'id', direction: 'asc' },
        })
      )
    );
    pages.forEach((result, i) => {
      if (!result.ok) throw result.error;
      const stream = now[i];
      const items = result.value.items;
      out.push(...items.filter(l => stream.belowId === Infinity || l.id < stream.belowId));
      const last = items.length > 0 ? items[items.length - 1].id : Infinity;
      stream.page++;
      stream.open = result.value.hasNext && last < stream.belowId;
    });
  }
  return out;
}

function readWindows(ctx: SyncContext): Window[] {
  const raw = ctx.cache.get(KEY);
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as Window[]) : [];
  } catch {
    return [];
  }
}
