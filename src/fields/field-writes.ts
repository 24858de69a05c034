// The mapped cells of a row as AmoCRM custom_fields_values of its lead or its contact.
import type { CustomFieldValueInput } from '../amo/types';
import type { FieldSide } from './catalog';
import type { FieldCell } from './sheet-fields';
import type { DealMove, LeadPatch } from './codecs';
import { STATUS_KEY } from './deal-keys';

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
    if (cell.column.side !== side || !cell.parsed.ok || !cell.column.def) continue;
    if (cell.parsed.value.patch) continue;
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

/** Where the person's status or pipeline cell moves the lead (the status cell's choice first). */
export function dealMove(item: WithCells, only: string[] | null): DealMove | null {
  let move: DealMove | null = null;
  for (const cell of item.mapped ?? []) {
    if (!cell.parsed.ok || !cell.parsed.value.deal) continue;
    if (only !== null && !only.includes(cell.column.key)) continue;
    if (!move || cell.column.key === STATUS_KEY) move = cell.parsed.value.deal;
  }
  return move;
}

/** The responsible user and tags the row's cells set on its lead (all, or the changed ones). */
export function leadPatch(item: WithCells, only: string[] | null): LeadPatch {
  const patch: LeadPatch = {};
  for (const cell of item.mapped ?? []) {
    if (!cell.parsed.ok || !cell.parsed.value.patch) continue;
    if (only !== null && !only.includes(cell.column.key)) continue;
    const next = cell.parsed.value.patch;
    // A new lead has no tags to clear.
    if (only === null && next.tags?.length === 0) continue;
    Object.assign(patch, next);
  }
  return patch;
}
