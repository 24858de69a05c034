// What a new row needs from AmoCRM besides the listed lead: its main contact (read in batches
// by id filter, never one request per lead) and its status name (from the cached pipelines).
// Read without the script lock, before the locked append.
import { mainContactId } from '../../amo/fields';
import type { Contact, Lead } from '../../amo/types';
import { contactsByIds } from '../amo-reads';
import type { SyncContext } from '../context';
import { statusNameFor } from '../statuses';
import type { Arrival } from './row-cells';

export function arrivalsOf(ctx: SyncContext, leads: Lead[]): Arrival[] {
  if (leads.length === 0) return [];
  const ids = [...new Set(leads.map(mainContactId).filter((id): id is number => id !== null))];
  const contacts = new Map<number, Contact>();
  if (ids.length > 0) for (const c of contactsByIds(ctx.amo, ids)) contacts.set(c.id, c);
  return leads.map(lead => ({
    lead,
    contact: contacts.get(mainContactId(lead) ?? -1) ?? null,
    status: statusNameFor(ctx, lead.pipeline_id, lead.status_id),
  }));
}
