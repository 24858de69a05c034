// The mapped cells of a row as AmoCRM custom_fields_values of its lead or its contact.
import type { CustomFieldValueInput } from '../amo/types';
import type { FieldSide } from './catalog';
import type { FieldCell } from './sheet-fields';

interface WithCells {
  mapped?: FieldCell[];
  fields?: string[];
}

/**
 * The values of the row's cells of one side: all of them (`only` null, a new lead or
 * contact), or only the fields a person changed (an update sends nothing else).
 */
export function customValues(
  item: WithCells,
  side: FieldSide,
  only: string[] | null
): CustomFieldValueInput[] {
  const out: CustomFieldValueInput[] = [];
  for (const cell of item.mapped ?? []) {
    if (cell.column.side !== side || !cell.parsed.ok) continue;
    if (only !== null && !only.includes(cell.column.key)) continue;
    // A new entity has nothing to clear: an empty cell is simply left out.
    if (only === null && cell.parsed.value.values === null) continue;
    out.push({ field_id: cell.column.def.id, values: cell.parsed.value.values });
  }
  return out;
}

/** True when the person changed a mapped field of this side. */
export function hasSide(item: WithCells, side: FieldSide): boolean {
  return (item.mapped ?? []).some(
    c => c.column.side === side && (item.fields ?? []).includes(c.column.key)
  );
}
