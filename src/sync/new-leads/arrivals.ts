// Leads created in AmoCRM (a web form, a manager, a robot) become rows by themselves when
// IMPORT_NEW_LEADS is on. The reconciliation lists every lead changed since its cursor; the
// ones created since that cursor, in the chosen pipelines, that no row links, are added by
// the locked append. A leads[add] webhook only makes the next minute's background run happen
// (its listing finds the lead), so both paths are this one. Only leads created since the cursor
// count: a lead whose row a person deleted long ago does not come back when a manager edits it.
import type { Lead } from '../../amo/types';
import { leadExternalId } from '../amo-reads';
import { STATE } from '../config';
import type { SyncContext } from '../context';
import { readSyncedTable } from '../synced-rows';
import { appendArrivals, linkedLeadIds } from './append';
import { inChosenPipeline, readLeadChoice } from './choice';
import { arrivalsOf } from './reads';

export interface ArrivalsReport {
  added: number;
  /**
   * Unix seconds the lead cursor must not pass: leads that could not be added now (the lock
   * was busy, a create in progress) are listed again from there by the next run.
   */
  holdCursorAt: number | null;
}

const NOTHING: ArrivalsReport = { added: 0, holdCursorAt: null };

/** `listed`: the leads the reconciliation read, changed since `from` (unix seconds). */
export function addArrivedLeads(ctx: SyncContext, listed: Lead[], from: number): ArrivalsReport {
  const created = listed.filter(l => l.created_at >= from);
  if (created.length === 0) return NOTHING;
  const props = ctx.props.getAll();
  const choice = readLeadChoice(props);
  if (!choice.automatic) return NOTHING;
  // Leads the sheet made carry their row's id: known without reading the sheet.
  const rowIdField = Number(props[STATE.rowIdField] ?? '') || null;
  const foreign = created.filter(
    l => inChosenPipeline(l, choice) && (rowIdField === null || !leadExternalId(l, rowIdField))
  );
  if (foreign.length === 0) return NOTHING;
  // Contacts are read only for leads no row links yet (the locked append checks again).
  const linked = linkedLeadIds(readSyncedTable(ctx, { ids: true }));
  const fresh = foreign.filter(l => !linked.has(l.id));
  if (fresh.length === 0) return NOTHING;
  const outcome = appendArrivals(ctx, arrivalsOf(ctx, fresh), 'skip');
  if (outcome.added > 0) {
    ctx.logger.info(`new leads: ${outcome.added} lead(s) created in AmoCRM added as rows`);
  }
  const held = outcome.deferred.map(l => l.created_at);
  return { added: outcome.added, holdCursorAt: held.length > 0 ? Math.min(...held) : null };
}
