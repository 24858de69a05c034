// Setup's part for mapped columns: the account's lead and contact fields are read once (one
// round trip), saved, and handed to the row-id field lookup, which would otherwise list the
// lead fields again.
import type { AmoRunner } from '../amo/client';
import type { KeyValueStore } from '../ports';
import { rowIdFieldId, ROW_ID_FIELD_NAME } from '../sync/amo-reads';
import { readCatalog, saveCatalog } from './catalog';
import { forgetKnown } from './sheet-fields';

export function prepareFields(amo: AmoRunner, props: KeyValueStore, now: number): void {
  const catalog = readCatalog(amo, now);
  const leadFields = catalog.fields.filter(f => f.side === 'lead');
  const rowId = rowIdFieldId(amo, props, now, leadFields);
  // A row-id field made just now is one the catalog must know (its values are not news).
  if (rowId !== null && !catalog.fields.some(f => f.id === rowId)) {
    catalog.fields.push({
      id: rowId,
      side: 'lead',
      name: ROW_ID_FIELD_NAME,
      type: 'text',
      code: null,
      enums: [],
    });
  }
  saveCatalog(props, catalog);
  forgetKnown(props);
}
