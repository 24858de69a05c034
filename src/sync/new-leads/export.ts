// exportLeads: one row for every lead of the chosen pipelines that no row links, the leads that
// existed before the setting was turned on included. The leads are listed 250 a page, ordered
// by id (a stable order: new leads land on later pages), with their contact ids; their main
// contacts are read in batches by id; each batch of pages is added by the locked append. Like
// the import it stops starting batches at the work deadline and the next run (the menu again,
// or the background run) continues from the saved page. A page is saved only after its rows
// are in the sheet, so a run killed in between re-reads it, and the locked append's re-check
// keeps every lead to one row.
import { AMO_LIMITS, listLeads } from '../../amo/calls';
import type { Lead } from '../../amo/types';
import type { KeyValueStore } from '../../ports';
import { SyncContext, timeLeft } from '../context';
import { readSyncedTable } from '../synced-rows';
import { appendArrivals, linkedLeadIds } from './append';
import { LeadChoice, readLeadChoice } from './choice';
import { arrivalsOf } from './reads';

/** Where an export stopped: JSON {page, pipelines, added}. */
export const EXPORT_PROGRESS_KEY = 'SYNC_EXPORT_PROGRESS';
/** Pages listed per locked append: 1,000 leads, one round trip of list requests. */
const PAGES_PER_BATCH = 4;

interface Progress {
  /** The next page to list (1-based). */
  page: number;
  /** The chosen pipelines the pages belong to (another choice starts again). */
  pipelines: string;
  /** Rows added so far by this export. */
  added: number;
}

export interface ExportReport {
  /** Rows added by this run. */
  added: number;
  /** Rows added by the whole export so far. */
  total: number;
  done: boolean;
  lockBusy: boolean;
}

export function exportPending(props: Record<string, string>): boolean {
  return Boolean(props[EXPORT_PROGRESS_KEY]);
}

export function exportLeads(ctx: SyncContext): ExportReport {
  const choice = readLeadChoice(ctx.props.getAll());
  let progress = readProgress(ctx.props, choice);
  // Contacts are read only for leads no row linked when the run began.
  const linked = linkedLeadIds(readSyncedTable(ctx, { ids: true }));
  let added = 0;
  for (;;) {
    if (timeLeft(ctx) <= 0) return stop(ctx, progress, added, false);
    const batch = listBatch(ctx, choice, progress.page);
    const fresh = batch.leads.filter(l => !linked.has(l.id));
    const outcome = appendArrivals(ctx, arrivalsOf(ctx, fresh), 'orphans');
    if (outcome.lockBusy) return stop(ctx, progress, added, true);
    added += outcome.added;
    for (const lead of batch.leads) linked.add(lead.id);
    progress = {
      ...progress,
      page: progress.page + batch.pages,
      added: progress.added + outcome.added,
    };
    ctx.progress?.(progress.added, progress.added + (batch.last ? 0 : AMO_LIMITS.pageSize));
    if (batch.last) {
      ctx.props.delete(EXPORT_PROGRESS_KEY);
      return { added, total: progress.added, done: true, lockBusy: false };
    }
    ctx.props.set(EXPORT_PROGRESS_KEY, JSON.stringify(progress));
  }
}

function stop(
  ctx: SyncContext,
  progress: Progress,
  added: number,
  lockBusy: boolean
): ExportReport {
  ctx.props.set(EXPORT_PROGRESS_KEY, JSON.stringify(progress));
  return { added, total: progress.added, done: false, lockBusy };
}

function readProgress(props: KeyValueStore, choice: LeadChoice): Progress {
  const pipelines = choice.pipelines.join(',');
  const fresh: Progress = { page: 1, pipelines, added: 0 };
  try {
    const saved = JSON.parse(props.get(EXPORT_PROGRESS_KEY) ?? 'null') as Progress | null;
    if (!saved || saved.pipelines !== pipelines || !(saved.page >= 1)) return fresh;
    return { page: Math.floor(saved.page), pipelines, added: Number(saved.added) || 0 };
  } catch {
    return fresh;
  }
}

/** Up to PAGES_PER_BATCH pages from `page` on, in one round trip; `last` when no page follows. */
function listBatch(
  ctx: SyncContext,
  choice: LeadChoice,
  page: number
): { leads: Lead[]; pages: number; last: boolean } {
  const calls = Array.from({ length: PAGES_PER_BATCH }, (_, i) =>
    listLeads({
      pipelineIds: choice.pipelines,
      with: ['contacts'],
      page: page + i,
      limit: AMO_LIMITS.pageSize,
      order: { field: 'id', direction: 'asc' },
    })
  );
  const leads: Lead[] = [];
  for (const [i, result] of ctx.amo.runAll(calls).entries()) {
    if (!result.ok) throw result.error;
    leads.push(...result.value.items);
    if (!result.value.hasNext) return { leads, pages: i + 1, last: true };
  }
  return { leads, pages: PAGES_PER_BATCH, last: false };
}
