// The synced columns, found by header text (trimmed, case-insensitive, any order), with
// Russian aliases. Columns whose header is none of these are never written.

export const COLUMN_KEYS = [
  'name',
  'phone',
  'email',
  'budget',
  'amo_deal_id',
  'amo_contact_id',
  'amo_link',
  'status',
  'external_id',
  'sync_status',
] as const;

export type ColumnKey = (typeof COLUMN_KEYS)[number];

/** The columns a person edits; an edit that touches only other columns is not a sync. */
export const PERSON_COLUMNS: readonly ColumnKey[] = ['name', 'phone', 'email', 'budget'];

/** What a row is known by: a row still showing these is the same row. */
export const ID_COLUMNS = ['external_id', 'amo_deal_id', 'amo_contact_id'] as const;

/**
 * The 0-based columns from the first id column to the last: what a flow reads of rows it only
 * needs to find (null when the header has none of them).
 */
export function idSpan(map: ColumnMap): [number, number] | null {
  const at = ID_COLUMNS.flatMap(k => (map[k] === undefined ? [] : [map[k] as number]));
  return at.length === 0 ? null : [Math.min(...at), Math.max(...at)];
}

const ALIASES: Record<ColumnKey, string[]> = {
  name: ['name', 'имя', 'фио', 'контакт', 'клиент'],
  phone: ['phone', 'телефон', 'тел', 'тел.'],
  email: ['email', 'e-mail', 'почта', 'эл. почта', 'электронная почта'],
  budget: ['budget', 'бюджет', 'сумма', 'price'],
  amo_deal_id: ['amo_deal_id', 'id сделки', 'сделка'],
  amo_contact_id: ['amo_contact_id', 'id контакта'],
  amo_link: ['amo_link', 'ссылка', 'ссылка на сделку'],
  status: ['status', 'статус', 'этап'],
  external_id: ['external_id', 'внешний id'],
  sync_status: ['sync_status', 'синхронизация', 'статус синхронизации'],
};

const BY_ALIAS = new Map<string, ColumnKey>(
  COLUMN_KEYS.flatMap(key => ALIASES[key].map(alias => [alias, key] as [string, ColumnKey]))
);

/** True when a header (trimmed, any case) names one of the fixed columns or their aliases. */
export function isFixedHeader(header: string): boolean {
  return BY_ALIAS.has(header.trim().toLowerCase());
}

/** 0-based column index of every synced column present in the header row. */
export type ColumnMap = Partial<Record<ColumnKey, number>>;

/** Maps a header row to the synced columns; the first column with a given meaning wins. */
export function mapHeaders(headerRow: unknown[]): ColumnMap {
  const map: ColumnMap = {};
  headerRow.forEach((cell, index) => {
    const key = BY_ALIAS.get(
      String(cell ?? '')
        .trim()
        .toLowerCase()
    );
    if (key !== undefined && map[key] === undefined) map[key] = index;
  });
  return map;
}

/** The columns the script cannot work without, by contract: name, phone or email, and the ids. */
export function missingColumns(map: ColumnMap): ColumnKey[] {
  const required: ColumnKey[] = ['amo_deal_id', 'external_id', 'sync_status'];
  const missing = required.filter(key => map[key] === undefined);
  if (map.name === undefined && map.phone === undefined && map.email === undefined) {
    missing.unshift('name');
  }
  return missing;
}
