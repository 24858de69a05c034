// Columns beyond the fixed ones, end to end: a sheet whose headers name AmoCRM custom fields
// (lead and contact, every type the contract lists) syncs them both ways through the built
// bundle and the fake; a value that does not fit gives the row an error naming the column,
// and the rest of the row still syncs.
import type { DealAccount } from '../../sandbox/amo-fake/types';
import { World } from '../../sandbox/world';
import { SCRIPT_COLUMNS_WITH_STATUS } from './columns-helpers';

const HEADERS = [
  'name',
  'phone',
  'email',
  'budget',
  'Источник',
  'Сайт',
  'Количество',
  'Оплачено',
  'Дата встречи',
  'Время звонка',
  'Город',
  'Канал',
  'Продукты',
  'Контакт: Комментарий',
  'Должность',
  'Интересы',
  'Мессенджер',
  'Комментарий',
  ...SCRIPT_COLUMNS_WITH_STATUS,
];

/** 2026-12-31 00:00 and 2026-12-31 14:30 in Moscow (the spreadsheet's zone), in unix seconds. */
const DAY_S = Date.UTC(2026, 11, 30, 21, 0) / 1000;
const CALL_S = Date.UTC(2026, 11, 31, 11, 30) / 1000;

let w: World;
let deal: DealAccount;

async function world(options: { lang?: 'ru' | 'en' } = {}): Promise<void> {
  w = await World.start({
    headers: HEADERS,
    runtime: options.lang === 'ru' ? { spreadsheetLocale: 'ru_RU' } : {},
  });
  deal = await w.fake.admin.seedDealAccount();
  w.run('installTriggers');
  await w.fake.admin.resetRequests();
}

afterEach(async () => {
  await w?.stop();
});

const lead = (type: string) => deal.leadFields[type].id;
const contactField = (type: string) => deal.contactFields[type].id;

/** The stored values of a field of a lead or contact, as AmoCRM keeps them. */
async function valuesOf(
  entity: 'lead' | 'contact',
  id: number,
  fieldId: number
): Promise<unknown[] | null> {
  const record = entity === 'lead' ? await w.fake.admin.lead(id) : await w.fake.admin.contact(id);
  const field = (record?.custom_fields_values ?? []).find(f => f.field_id === fieldId);
  return field ? field.values.map(v => v.value) : null;
}

function typeRow(values: Record<string, unknown>): void {
  const [edit] = w.type([{ name: 'Анна Смирнова', email: 'anna@example.com', ...values }]);
  expect(edit.error).toBeNull();
}

const leadId = () => Number(w.row(0).amo_deal_id);
const contactId = () => Number(w.row(0).amo_contact_id);

/** A manager sets a field in AmoCRM; the webhook is queued and the next minute applies it. */
async function managerSets(
  entity: 'leads' | 'contacts',
  fieldId: number,
  values: unknown[] | null
): Promise<void> {
  w.rt.clock.advance(60_000);
  const id = entity === 'leads' ? leadId() : contactId();
  await w.fake.admin.setCustomField({ entity, id, fieldId, values, now: w.now() });
  w.nextMinute();
}

describe('sheet → AmoCRM', () => {
  it('a new row sends every mapped column by its type to its lead and its contact', async () => {
    await world();
    typeRow({
      Источник: 'Выставка',
      Сайт: 'https://anna.example.com',
      Количество: '12,5',
      Оплачено: true,
      'Дата встречи': '31.12.2026',
      'Время звонка': '2026-12-31 14:30',
      Город: 'казань',
      Канал: 'Форма',
      Продукты: 'Аналитика, CRM',
      'Контакт: Комментарий': 'звонить после обеда',
      Должность: 'Директор',
      Интересы: 'Новинки',
      Мессенджер: '@anna, anna.skype',
    });

    expect(w.row(0).sync_status).toMatch(/^✓/);
    expect(await valuesOf('lead', leadId(), lead('text'))).toEqual(['Выставка']);
    expect(await valuesOf('lead', leadId(), lead('url'))).toEqual(['https://anna.example.com']);
    expect(await valuesOf('lead', leadId(), lead('numeric'))).toEqual(['12.5']);
    expect(await valuesOf('lead', leadId(), lead('checkbox'))).toEqual([true]);
    expect(await valuesOf('lead', leadId(), lead('date'))).toEqual([DAY_S]);
    expect(await valuesOf('lead', leadId(), lead('date_time'))).toEqual([CALL_S]);
    expect(await valuesOf('lead', leadId(), lead('select'))).toEqual(['Казань']);
    expect(await valuesOf('lead', leadId(), lead('radiobutton'))).toEqual(['Форма']);
    // Multiselect options land in AmoCRM's option order, whatever order the person typed.
    expect(await valuesOf('lead', leadId(), lead('multiselect'))).toEqual(['CRM', 'Аналитика']);
    expect(await valuesOf('contact', contactId(), contactField('textarea'))).toEqual([
      'звонить после обеда',
    ]);
    expect(await valuesOf('contact', contactId(), contactField('text'))).toEqual(['Директор']);
    expect(await valuesOf('contact', contactId(), contactField('multiselect'))).toEqual([
      'Новинки',
    ]);
    expect(await valuesOf('contact', contactId(), contactField('multitext'))).toEqual([
      '@anna',
      'anna.skype',
    ]);
    // "Комментарий" names a lead field and a contact field alike: without a prefix it maps to
    // neither, and the lead's textarea stays empty.
    expect(await valuesOf('lead', leadId(), lead('textarea'))).toBeNull();
  });

  it('an edit of one mapped cell costs 1 PATCH of that field only; an empty cell clears it', async () => {
    await world();
    typeRow({ Источник: 'Выставка', Город: 'Москва' });
    await w.fake.admin.resetRequests();

    const [edit] = w.edit(2, 'Город', 'Пермь');
    expect(edit.counters.httpByEndpoint).toEqual({ 'PATCH /api/v4/leads': 1 });
    const patch = (await w.fake.admin.requests()).find(r => r.method === 'PATCH');
    expect(JSON.stringify(patch?.body)).not.toMatch(/Выставка|price|name/);
    expect(await valuesOf('lead', leadId(), lead('select'))).toEqual(['Пермь']);

    w.edit(2, 'Источник', '');
    expect(await valuesOf('lead', leadId(), lead('text'))).toBeNull();
    expect(await valuesOf('lead', leadId(), lead('select'))).toEqual(['Пермь']);
  });
});

describe('AmoCRM → sheet', () => {
  it("a manager's value of each type lands in its cell as the sheet's type", async () => {
    await world();
    typeRow({});
    await managerSets('leads', lead('text'), [{ value: 'Сарафан' }]);
    await managerSets('leads', lead('numeric'), [{ value: '42' }]);
    await managerSets('leads', lead('checkbox'), [{ value: true }]);
    await managerSets('leads', lead('date'), [{ value: DAY_S }]);
    await managerSets('leads', lead('date_time'), [{ value: CALL_S }]);
    await managerSets('leads', lead('select'), [{ enum_id: deal.leadFields.select.enums?.[2].id }]);
    const products = deal.leadFields.multiselect.enums ?? [];
    await managerSets('leads', lead('multiselect'), [
      { enum_id: products[2].id },
      { enum_id: products[0].id },
    ]);
    await managerSets('contacts', contactField('text'), [{ value: 'Бухгалтер' }]);
    await managerSets('contacts', contactField('multitext'), [{ value: '@a' }, { value: '@b' }]);

    const row = w.row(0);
    expect(row['Источник']).toBe('Сарафан');
    expect(row['Количество']).toBe(42);
    expect(row['Оплачено']).toBe(true);
    expect(row['Дата встречи']).toBeInstanceOf(Date);
    expect((row['Дата встречи'] as Date).getTime()).toBe(DAY_S * 1000);
    expect((row['Время звонка'] as Date).getTime()).toBe(CALL_S * 1000);
    expect(row['Город']).toBe('Пермь');
    expect(row['Продукты']).toBe('CRM, Аналитика');
    expect(row['Должность']).toBe('Бухгалтер');
    expect(row['Мессенджер']).toBe('@a, @b');
    expect(row.sync_status).toMatch(/^✓/);
    // The ambiguous "Комментарий" column is never written.
    expect(row['Комментарий']).toBe('');
  });

  it('a manager clearing a checkbox shows FALSE; a person edit of another field still goes out', async () => {
    await world();
    typeRow({ Оплачено: true, Источник: 'Выставка' });
    await managerSets('leads', lead('checkbox'), null);
    expect(w.row(0)['Оплачено']).toBe(false);
    w.edit(2, 'Источник', 'Реклама');
    expect(await valuesOf('lead', leadId(), lead('text'))).toEqual(['Реклама']);
    expect(await valuesOf('lead', leadId(), lead('checkbox'))).toBeNull();
  });

  it('an option a manager adds and picks shows in the cell (the field list is read again)', async () => {
    await world();
    typeRow({ Город: 'Москва' });
    const option = await w.fake.admin.addFieldOption({ fieldId: lead('select'), value: 'Самара' });
    const samara = option.enums?.find(e => e.value === 'Самара')?.id;
    await managerSets('leads', lead('select'), [{ enum_id: samara }]);
    expect(w.row(0)['Город']).toBe('Самара');
    const rule = w.rt.spreadsheet.cell('Leads', 2, HEADERS.indexOf('Город') + 1).validation;
    expect(rule?.values[0]).toContain('Самара');
    // And the person may now pick it too.
    w.edit(2, 'Город', 'Москва');
    w.edit(2, 'Город', 'самара');
    expect(await valuesOf('lead', leadId(), lead('select'))).toEqual(['Самара']);
  });
});

describe('field by field', () => {
  it("a person's edit of one mapped field and a manager's change of another both survive", async () => {
    await world();
    typeRow({ Источник: 'Выставка', Город: 'Москва' });
    w.rt.clock.advance(60_000);
    // The manager's change is queued by its webhook; the person edits before it is applied.
    const kazan = deal.leadFields.select.enums?.[1].id;
    await w.fake.admin.setCustomField({
      entity: 'leads',
      id: leadId(),
      fieldId: lead('select'),
      values: [{ enum_id: kazan }],
      now: w.now(),
    });
    w.edit(2, 'Источник', 'Реклама');
    w.nextMinute();

    expect(w.row(0)['Город']).toBe('Казань');
    expect(w.row(0)['Источник']).toBe('Реклама');
    expect(await valuesOf('lead', leadId(), lead('text'))).toEqual(['Реклама']);
    expect(await valuesOf('lead', leadId(), lead('select'))).toEqual(['Казань']);
  });

  it('the same field: the later change wins (a manager after the person)', async () => {
    await world();
    typeRow({ Город: 'Москва' });
    w.rt.clock.advance(60_000);
    w.edit(2, 'Город', 'Пермь');
    w.rt.clock.advance(60_000);
    await managerSets('leads', lead('select'), [{ enum_id: deal.leadFields.select.enums?.[1].id }]);
    expect(w.row(0)['Город']).toBe('Казань');
    expect(await valuesOf('lead', leadId(), lead('select'))).toEqual(['Казань']);
  });
});

describe('a formula in a mapped column', () => {
  it("is never replaced by AmoCRM's value, and its unchanged value is not sent back", async () => {
    await world();
    typeRow({ Источник: 'Выставка' });
    w.edit(2, 'Источник', '="Вы"&"ставка"');
    expect(w.rt.spreadsheet.cell('Leads', 2, HEADERS.indexOf('Источник') + 1).formula).toMatch(
      /^=/
    );
    await managerSets('leads', lead('text'), [{ value: 'Сарафан' }]);
    expect(w.rt.spreadsheet.cell('Leads', 2, HEADERS.indexOf('Источник') + 1).formula).toMatch(
      /^=/
    );
    w.run('syncNow');
    expect(await valuesOf('lead', leadId(), lead('text'))).toEqual(['Сарафан']);
  });
});

describe('dropdowns', () => {
  const column = (header: string) => HEADERS.indexOf(header) + 1;
  const listOf = (header: string, row = 2) =>
    w.rt.spreadsheet.cell('Leads', row, column(header)).validation;

  it('select, radiobutton and status columns get dropdowns of their options at setup', async () => {
    await world();
    expect(listOf('Город')).toMatchObject({
      criteria: 'VALUE_IN_LIST',
      values: [['Москва', 'Казань', 'Пермь'], true],
      allowInvalid: true,
    });
    expect(listOf('Канал')?.values[0]).toEqual(['Звонок', 'Форма', 'Почта']);
    expect(listOf('status', 50)?.values[0]).toEqual(
      expect.arrayContaining(['Первичный контакт', 'Успешно реализовано', 'Заявка'])
    );
    // Free-text columns get none.
    expect(listOf('Источник')).toBeNull();
  });

  it('a select option a manager adds reaches the dropdown with the next sync after the lists age', async () => {
    await world();
    typeRow({ Город: 'Москва' });
    await w.fake.admin.addFieldOption({ fieldId: lead('select'), value: 'Самара' });
    w.rt.clock.advance(6 * 60 * 60 * 1000);
    await w.fake.admin.setLeadPrice({ leadId: leadId(), price: 10, now: w.now() });
    w.nextMinute();
    expect(listOf('Город')?.values[0]).toEqual(['Москва', 'Казань', 'Пермь', 'Самара']);
    // And the person may pick it.
    w.edit(2, 'Город', 'Самара');
    expect(await valuesOf('lead', leadId(), lead('select'))).toEqual(['Самара']);
  });
});

describe('a value that does not fit', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['Сайт', 'не адрес', /column "Сайт": "не адрес" is not a web address/],
    ['Количество', 'много', /column "Количество": "много" is not a number/],
    ['Оплачено', 'может быть', /column "Оплачено": "может быть" is not TRUE or FALSE/],
    ['Дата встречи', '31.02.2026', /column "Дата встречи": "31.02.2026" is not a date/],
    ['Время звонка', 'вечером', /column "Время звонка": "вечером" is not a date and time/],
    ['Город', 'Тверь', /column "Город": "Тверь" is not one of: Москва, Казань, Пермь/],
    ['Канал', 'Голубь', /column "Канал": "Голубь" is not one of: Звонок, Форма, Почта/],
    ['Продукты', 'CRM, Сайты', /column "Продукты": "Сайты" is not one of: CRM, Телефония/],
    ['Интересы', 'Всё', /column "Интересы": "Всё" is not one of: Скидки/],
  ];

  it.each(bad)(
    '%s: the row says so, the cell stays, the other columns still sync',
    async (header, value, error) => {
      await world();
      typeRow({ Источник: 'Выставка', budget: 100 });
      w.edit(2, header, value);
      expect(w.row(0).sync_status).toMatch(/^error: /);
      expect(w.row(0).sync_status).toMatch(error);
      expect(w.row(0)[header]).toBe(value);

      // Another column of the row still syncs, and the error stays until the value is fixed.
      w.edit(2, 'budget', 300);
      expect((await w.fake.admin.lead(leadId()))?.price).toBe(300);
      expect(w.row(0).sync_status).toMatch(error);
      w.nextMinute();
      expect(w.row(0)[header]).toBe(value);
      w.edit(2, header, '');
      expect(w.row(0).sync_status).toMatch(/^✓/);
    }
  );

  it('a new row with a bad value is still created, with the error in Russian', async () => {
    await world({ lang: 'ru' });
    typeRow({ Количество: 'много', Источник: 'Выставка' });
    expect(w.row(0).amo_deal_id).toMatch(/^\d+$/);
    expect(w.row(0).sync_status).toMatch(/^ошибка: столбец «Количество»: "много" — не число/);
    expect(await valuesOf('lead', leadId(), lead('text'))).toEqual(['Выставка']);
    expect(await valuesOf('lead', leadId(), lead('numeric'))).toBeNull();
  });
});
