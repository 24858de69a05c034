// THE place where an AmoCRM lead (with its main contact) becomes the cells of a new row. The
// person's fields go through the pull's own amoFields, so a new row holds exactly what a pull
// would write into a linked row (the phone as AmoCRM keeps it, written as text; the budget; the
// contact's name), and the sync's memory remembers those values as synced: the next edit of the
// row is an update of this lead, and the next AmoCRM change of it applies as to any row. The
// mapped columns (custom fields, responsible, tags, company) come from the pull's
// mappedFromAmo, so a new row shows every mapped column at once (the pipeline column waits
// for the lead's next change).
import { mainContactId } from '../../amo/fields';
import type { Contact, Lead } from '../../amo/types';
import { newExternalId } from '../../domain/ids';
import type { CellValue } from '../../ports';
import type { ColumnKey } from '../../sheet/headers';
import type { SyncContext } from '../context';
import { amoFields } from '../pull';
import type { FieldColumn } from '../../fields/columns';
import { mappedFromAmo } from '../../fields/pull-fields';
import { nameKey, STATUS_KEY } from '../../fields/deal-keys';
import { FixedField, fieldHash, formatMemory, RowMemory, SYNC_FIELDS } from '../row-memory';

/** A row about to be added: its cells by column, and the sync's memory for its note. */
export interface NewRow {
  leadId: number;
  cells: Partial<Record<ColumnKey, CellValue>>;
  /** The mapped columns' cells (custom fields, responsible, tags, company), by column index. */
  mapped: Map<number, CellValue>;
  note: string;
}

/** What the lead's row is built from (read before the lock is taken). */
export interface Arrival {
  lead: Lead;
  contact: Contact | null;
  /** The status name in the lead's pipeline. */
  status: string;
}

const BLANK_KEYS: Record<FixedField, string> = { name: '', phone: '', email: '', budget: '' };

/** `synced`: the sync_status text of a row just synced (rowStatus(ctx).synced()). */
export function newRowOf(
  ctx: SyncContext,
  arrival: Arrival,
  synced: string,
  columns: FieldColumn[] = []
): NewRow {
  const { lead, contact, status } = arrival;
  const fields = amoFields(ctx, { keys: BLANK_KEYS }, { lead, contact, status });
  const cells: NewRow['cells'] = {};
  const memory: RowMemory = { base: {} };
  for (const field of SYNC_FIELDS) {
    const amo = fields[field];
    const key = amo?.key ?? '';
    // A value that means "nothing" (a price of 0) leaves the cell blank, as a pull would.
    cells[field] = amo && key !== '' ? amo.value : '';
    memory.base[field] = fieldHash(field, key);
  }
  // Every mapped column, read as a pull reads it, and remembered as synced.
  const mapped = new Map<number, CellValue>();
  const fromAmo = mappedFromAmo(
    columns.map(column => ({ column })),
    { lead, contact }
  );
  for (const column of columns) {
    const read = fromAmo[column.key];
    if (!read) continue;
    if (read.key !== '') mapped.set(column.index, read.value);
    memory.base[column.key] = fieldHash(column.key, read.key);
  }
  const contactId = mainContactId(lead);
  cells.amo_deal_id = String(lead.id);
  cells.amo_contact_id = contactId === null ? '' : String(contactId);
  cells.amo_link = `${ctx.settings.baseUrl}/leads/detail/${lead.id}`;
  cells.status = status;
  memory.base[STATUS_KEY] = fieldHash(STATUS_KEY, nameKey(status));
  cells.external_id = newExternalId(ctx.uuid(), ctx.clock.now());
  cells.sync_status = synced;
  return { leadId: lead.id, cells, mapped, note: formatMemory(memory) };
}
