// Header matching of mapped columns and the dropdowns' rule for a person's own validation,
// over an in-memory sheet: what a person sees is which columns sync and which rules change.
import { saveCatalog, FieldCatalog } from '../../src/fields/catalog';
import { findField } from '../../src/fields/columns';
import { refreshDropdowns } from '../../src/fields/dropdowns';
import { bindFields } from '../../src/fields/sheet-fields';
import type { CellValue, KeyValueStore } from '../../src/ports';
import { SheetTable } from '../../src/sheet/table';
import type { SyncContext } from '../../src/sync/context';
import { MemorySheet } from '../support/memory-sheet';

const CATALOG: FieldCatalog = {
  at: 0,
  fields: [
    { id: 1, side: 'lead', name: 'Город', type: 'select', code: null, enums: cities(['A', 'B']) },
    { id: 2, side: 'lead', name: 'Комментарий', type: 'textarea', code: null, enums: [] },
    { id: 3, side: 'contact', name: 'Комментарий', type: 'textarea', code: null, enums: [] },
    { id: 4, side: 'lead', name: 'Budget', type: 'numeric', code: null, enums: [] },
    { id: 5, side: 'contact', name: 'Телефон', type: 'multitext', code: 'PHONE', enums: [] },
  ],
};

function cities(names: string[]) {
  return names.map((value, i) => ({ id: 100 + i, value }));
}

class Props implements KeyValueStore {
  data: Record<string, string> = {};
  get = (k: string) => this.data[k] ?? null;
  getAll = () => ({ ...this.data });
  set = (k: string, v: string) => void (this.data[k] = v);
  setAll = (v: Record<string, string>) => void Object.assign(this.data, v);
  delete = (k: string) => void delete this.data[k];
}

class RuledSheet extends MemorySheet {
  rules = new Map<number, { values: string[] | null; help: string }>();
  validationHelp = (column: number) => this.rules.get(column)?.help ?? null;
  setDropdown = (column: number, values: string[] | null, help: string) =>
    void this.rules.set(column, { values, help });
}

function setup(header: string[], rules: Array<[number, string]> = []) {
  const props = new Props();
  saveCatalog(props, CATALOG);
  const sheet = new RuledSheet([header as CellValue[]]);
  for (const [column, help] of rules) sheet.rules.set(column, { values: ['x'], help });
  const table = SheetTable.read(sheet);
  const env = { timeZone: 'UTC', formatDate: () => '', lang: 'en' as const };
  const fields = bindFields(table, { props, env });
  const ctx = {
    props,
    lang: 'en',
    settings: { pipelineId: 1 },
    statuses: {
      pipelines: () => [
        {
          id: 1,
          name: 'P',
          is_archive: false,
          statuses: [
            { id: 10, name: 'Incoming', type: 1 },
            { id: 11, name: 'New', type: 0 },
          ],
        },
      ],
    },
  } as unknown as SyncContext;
  return { sheet, table, fields, ctx };
}

describe('header matching', () => {
  it('maps by name in any case; a prefix chooses the side; a name on both sides without one maps to nothing', () => {
    expect(findField(' город ', CATALOG)?.id).toBe(1);
    expect(findField('Комментарий', CATALOG)).toBeNull();
    expect(findField('lead: Комментарий', CATALOG)?.id).toBe(2);
    expect(findField('Контакт:Комментарий', CATALOG)?.id).toBe(3);
    // The contact's PHONE field is the fixed phone column's, never a mapped one.
    expect(findField('contact: Телефон', CATALOG)).toBeNull();
  });

  it('a fixed column keeps its meaning: a field named like one is reached only by its prefix', () => {
    const plain = setup(['name', 'email', 'budget', 'sync_status', 'amo_deal_id', 'external_id']);
    expect(plain.fields.columns).toEqual([]);
    const prefixed = setup(['name', 'Lead: budget', 'sync_status', 'amo_deal_id', 'external_id']);
    expect(prefixed.fields.columns.map(c => [c.index, c.def?.id])).toEqual([[1, 4]]);
  });
});

describe('dropdowns', () => {
  const header = ['name', 'Город', 'status', 'sync_status', 'amo_deal_id', 'external_id'];

  it('puts the lists once, and again only when a list changed', () => {
    const { sheet, table, ctx } = setup(header);
    expect(refreshDropdowns(ctx, table)).toBe(2);
    expect(sheet.rules.get(2)?.values).toEqual(['A', 'B']);
    expect(sheet.rules.get(3)?.values).toEqual(['New']);
    expect(refreshDropdowns(ctx, table)).toBe(0);
  });

  it("never replaces a person's own rule, and still refreshes its own", () => {
    const { sheet, table, ctx } = setup(header, [[2, 'Pick a city of ours']]);
    expect(refreshDropdowns(ctx, table)).toBe(1);
    expect(sheet.rules.get(2)).toEqual({ values: ['x'], help: 'Pick a city of ours' });
    expect(sheet.rules.get(3)?.help).toMatch(/^AmoCRM:/);
  });
});
