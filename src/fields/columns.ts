// Which sheet columns beyond the fixed ones map to which AmoCRM custom field: by header
// (trimmed, case-insensitive), `lead:` / `contact:` (`сделка:` / `контакт:`) choosing the side
// when a lead and a contact field share a name, or by a person's own mapping of a header to a
// field (Script Property FIELD_MAPPING). The fixed columns keep their meaning: a custom field
// named like one of them is reached only through a prefix.
import { isFixedHeader } from '../sheet/headers';
import type { CellValue } from '../ports';
import type { FieldCatalog, FieldDef, FieldSide } from './catalog';
import { codecFor, CodecEnv, FieldCodec, isSupportedType } from './codecs';

/** A column mapped to a custom field. */
export interface FieldColumn {
  /** 0-based column. */
  index: number;
  /** The header as the person wrote it (errors name the column by it). */
  header: string;
  /** The key of the field in the row's memory: short, since the memory rides in a note. */
  key: string;
  side: FieldSide;
  /** The custom field; null for the deal's own columns (status, pipeline). */
  def: FieldDef | null;
  codec: FieldCodec | null;
}

/** Script Property: JSON object, header → field (`Field name`, `lead: Name`, `contact: Name`). */
export const FIELD_MAPPING_KEY = 'FIELD_MAPPING';

/** Fields the sync keeps for itself: never a person's column. */
const RESERVED_CODES = new Set(['PHONE', 'EMAIL']);
const RESERVED_NAMES = new Set(['sheet row id']);

const PREFIXES: Array<[RegExp, FieldSide]> = [
  [/^(lead|сделка)\s*:\s*/i, 'lead'],
  [/^(contact|контакт)\s*:\s*/i, 'contact'],
];

/** The person's own header → field mapping, lower-cased headers; {} when unset or unreadable. */
export function readMapping(raw: string | null | undefined): Record<string, string> {
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Record<string, string> = {};
    for (const [header, target] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof target === 'string' && target.trim()) out[norm(header)] = target.trim();
    }
    return out;
  } catch {
    return {};
  }
}

/**
 * The custom-field columns of a header row. `taken` are the indexes the fixed columns hold;
 * the first column naming a field wins, as for the fixed ones.
 */
export function fieldColumns(
  header: CellValue[],
  taken: Set<number>,
  catalog: FieldCatalog,
  mapping: Record<string, string>,
  env: CodecEnv
): FieldColumn[] {
  const out: FieldColumn[] = [];
  const used = new Set<number>();
  header.forEach((cell, index) => {
    const text = String(cell ?? '').trim();
    if (!text || taken.has(index)) return;
    const mapped = mapping[norm(text)];
    if (!mapped && isFixedHeader(text)) return;
    const def = findField(mapped ?? text, catalog);
    if (!def || used.has(def.id)) return;
    used.add(def.id);
    out.push({
      index,
      header: text,
      key: `f${def.id}`,
      side: def.side,
      def,
      codec: codecFor(def, env),
    });
  });
  return out;
}

/** The one field a header names, or null (none, or a lead and a contact field alike). */
export function findField(target: string, catalog: FieldCatalog): FieldDef | null {
  let name = target.trim();
  let side: FieldSide | null = null;
  for (const [prefix, s] of PREFIXES) {
    if (prefix.test(name)) {
      name = name.replace(prefix, '');
      side = s;
      break;
    }
  }
  const wanted = norm(name);
  const found = catalog.fields.filter(
    f =>
      norm(f.name) === wanted &&
      (side === null || f.side === side) &&
      isSupportedType(f.type) &&
      !RESERVED_CODES.has(f.code ?? '') &&
      !RESERVED_NAMES.has(norm(f.name))
  );
  // Two fields of one side with one name: the first in AmoCRM's order, as AmoCRM lists them.
  const sides = new Set(found.map(f => f.side));
  return sides.size === 1 ? found[0] : null;
}

function norm(text: string): string {
  return text.trim().toLowerCase();
}
