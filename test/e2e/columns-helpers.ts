// Shared by the mapped-columns end-to-end tests (test/e2e/columns*.test.ts): the columns the
// script writes, which every such sheet ends with, as the sample sheet has them.
import type { LeadRecord } from '../../sandbox/amo-fake';
import { HEADERS, World } from '../../sandbox/world';

export const SCRIPT_COLUMNS_WITH_STATUS = HEADERS.slice(HEADERS.indexOf('amo_deal_id'));

/** Without `status`, for a sheet that places it among the person's columns. */
export const SCRIPT_COLUMNS = SCRIPT_COLUMNS_WITH_STATUS.filter(h => h !== 'status');

/** The lead of the first data row, as AmoCRM keeps it now. */
export async function firstRowLead(w: World): Promise<LeadRecord> {
  const lead = await w.fake.admin.lead(Number(w.row(0).amo_deal_id));
  if (!lead) throw new Error('no lead');
  return lead;
}

/** A person types one row (Олег, with these values) and handleEdit links it to a new lead. */
export function typeOneRow(w: World, values: Record<string, unknown> = {}): void {
  const [edit] = w.type([{ name: 'Олег', email: 'oleg@example.com', budget: 500, ...values }]);
  expect(edit.error).toBeNull();
  expect(w.row(0).amo_deal_id).toMatch(/^\d+$/);
}
