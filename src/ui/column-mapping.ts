// The Settings… dialog's Columns part: which column of the synced sheet maps to what (a fixed
// column, the lead's status, pipeline, responsible, tags or company, a lead or contact custom
// field, or nothing), and a person's own choice of field for a column whose header differs
// from the field's name, kept in the Script Property FIELD_MAPPING (header → `lead: Name` or
// `contact: Name`). The choice applies from the next sync; its non-empty cells are sent then.
import { FieldCatalog, FieldDef } from '../fields/catalog';
import { isSupportedType } from '../fields/codecs';
import { FIELD_MAPPING_KEY, findField, readMapping } from '../fields/columns';
import { PIPELINE_HEADERS } from '../fields/deal-keys';
import { bindFields, boundFields, forgetKnown, savedCatalog } from '../fields/sheet-fields';
import { fieldPorts } from '../fields/field-ports';
import { fieldMessages } from '../i18n/field-messages';
import { messages } from '../i18n/messages';
import type { Lang } from '../i18n/lang';
import { SheetTable } from '../sheet/table';
import { PROP, STATE, uiLanguage } from '../sync/config';
import type { Ports } from '../sync/context';

export interface ColumnRow {
  header: string;
  /** What the column syncs with now, in words. */
  mapsTo: string;
  /** The person's own choice for it ('' when the header itself decides). */
  chosen: string;
  /** Whether a field may be chosen for it (not a fixed or a lead column). */
  choosable: boolean;
}

export type ColumnsAnswer =
  | { ok: true; rows: ColumnRow[]; fields: string[]; message?: string }
  | { ok: false; error: string };

/** The synced sheet's columns and what each maps to. */
export function loadColumnMapping(ports: Ports): ColumnsAnswer {
  const lang = uiLanguage(ports.spreadsheet, ports.props);
  const sheet = ports.spreadsheet.sheet(ports.props.get(PROP.sheetName) ?? '');
  if (!sheet) return { ok: false, error: messages(lang).dialog.columnsNoSheet };
  const table = SheetTable.read(sheet, { notes: false });
  bindFields(table, fieldPorts({ ...ports, lang }));
  const catalog = savedCatalog(ports.props);
  const mapping = readMapping(ports.props.get(FIELD_MAPPING_KEY));
  const rows = table.header.flatMap((cell, index) => {
    const header = String(cell ?? '').trim();
    return header ? [rowOf(table, index, header, mapping, lang)] : [];
  });
  return { ok: true, rows, fields: catalog ? choices(catalog) : [] };
}

/** Saves the person's choices (header → field); an empty choice leaves the header to decide. */
export function saveColumnMapping(ports: Ports, chosen: Record<string, string>): ColumnsAnswer {
  const lang = uiLanguage(ports.spreadsheet, ports.props);
  const catalog = savedCatalog(ports.props);
  const kept: Record<string, string> = {};
  for (const [header, target] of Object.entries(chosen ?? {})) {
    if (!target || !target.trim()) continue;
    if (!catalog || !findField(target, catalog)) {
      return { ok: false, error: fieldMessages(lang).unknownField(header, target) };
    }
    kept[header.trim()] = target.trim();
  }
  if (Object.keys(kept).length > 0) ports.props.set(FIELD_MAPPING_KEY, JSON.stringify(kept));
  else ports.props.delete(FIELD_MAPPING_KEY);
  // The next run sends what the newly mapped cells hold.
  ports.props.set(STATE.dirty, String(ports.clock.now()));
  forgetKnown(ports.props);
  const answer = loadColumnMapping(ports);
  return answer.ok ? { ...answer, message: messages(lang).dialog.columnsSaved } : answer;
}

function rowOf(
  table: SheetTable,
  index: number,
  header: string,
  mapping: Record<string, string>,
  lang: Lang
): ColumnRow {
  const text = messages(lang).dialog;
  const fixed = Object.entries(table.columns).find(([, i]) => i === index)?.[0];
  const chosen = mapping[header.toLowerCase()] ?? '';
  if (fixed)
    return { header, mapsTo: fieldMessages(lang).fixedColumn(fixed), chosen: '', choosable: false };
  if (PIPELINE_HEADERS.includes(header.toLowerCase())) {
    return { header, mapsTo: text.columnLead, chosen: '', choosable: false };
  }
  const column = boundFields(table)?.columns.find(c => c.index === index);
  if (column?.def) return { header, mapsTo: label(column.def), chosen, choosable: true };
  if (column) return { header, mapsTo: text.columnLead, chosen: '', choosable: false };
  return { header, mapsTo: text.columnNotSynced, chosen, choosable: true };
}

/** Every field a column may map to, as the mapping names it. */
function choices(catalog: FieldCatalog): string[] {
  return catalog.fields
    .filter(f => isSupportedType(f.type) && findField(target(f), catalog)?.id === f.id)
    .map(target);
}

function target(def: FieldDef): string {
  return `${def.side}: ${def.name}`;
}

function label(def: FieldDef): string {
  return `${target(def)} (${def.type})`;
}
