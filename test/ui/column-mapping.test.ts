// The Settings… dialog's column mapping on the server side: what a saved choice does to the
// columns shown, and a choice naming no field refused in the person's language.
import { saveCatalog } from '../../src/fields/catalog';
import { loadColumnMapping, saveColumnMapping } from '../../src/ui/column-mapping';
import { MemorySheet } from '../support/memory-sheet';
import { FakeAmo } from './support/fake-amo';
import { memoryPorts } from './support/memory-ports';

const HEADERS = ['name', 'email', 'amo_deal_id', 'external_id', 'sync_status', 'Откуда'];

function ports(props: Record<string, string> = {}) {
  const p = memoryPorts(new FakeAmo(), { SHEET_NAME: 'Leads', ...props });
  saveCatalog(p.props, {
    at: 0,
    fields: [{ id: 9, side: 'lead', name: 'Источник', type: 'text', code: null, enums: [] }],
  });
  p.spreadsheet.sheets.set('Leads', new MemorySheet([HEADERS]));
  return p;
}

it('a column mapped to a field by a person shows that field, and is remembered', () => {
  const p = ports();
  const before = loadColumnMapping(p);
  expect(before.ok && before.rows.find(r => r.header === 'Откуда')?.mapsTo).toBe('not synced');
  const after = saveColumnMapping(p, { Откуда: 'lead: Источник' });
  expect(after.ok && after.rows.find(r => r.header === 'Откуда')).toMatchObject({
    mapsTo: 'lead: Источник (text)',
    chosen: 'lead: Источник',
  });
  expect(JSON.parse(p.props.get('FIELD_MAPPING') ?? '{}')).toEqual({ Откуда: 'lead: Источник' });
});

it('a field AmoCRM does not have is refused, in Russian for a Russian sheet', () => {
  const p = ports({ UI_LANGUAGE: 'ru' });
  expect(saveColumnMapping(p, { Откуда: 'lead: Нет такого' })).toEqual({
    ok: false,
    error: 'Столбец «Откуда»: в AmoCRM нет поля «lead: Нет такого».',
  });
  expect(p.props.get('FIELD_MAPPING')).toBeNull();
});
