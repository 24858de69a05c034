// Bad rows: everything people put into a sheet, pasted at once. Each row has the outcome a
// person should see: synced with the right normalized values in AmoCRM, or a sync_status that
// says what to fix — and no bad row stops the others.
import type { ContactRecord, LeadRecord } from '../../sandbox/amo-fake';
import { fieldValue, startWorld, World } from './kit';
import type { RunResult } from './kit';

type Synced = { name?: string; phone?: string; email?: string; price?: number };
type Expect = { synced: Synced } | { error: RegExp } | { skipped: true };
type Case = [title: string, row: Record<string, unknown>, expect: Expect];

const LONG_NAME = 'Я'.repeat(10_000);
const NAME_255 = 'Ж'.repeat(255);
const q = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const err = (text: string) => ({ error: new RegExp(`^error: ${q(text)}`) });

// Phones are typed into the phone column, which is formatted as plain text (as World sets it up).
export const CASES: Case[] = [
  ['an empty row', {}, { skipped: true }],
  ['a whitespace-only row', { name: '   ', phone: ' ', email: '\t' }, { skipped: true }],
  ['zero-width characters only', { name: '\u200b', email: '\ufeff' }, { skipped: true }],
  ['a budget alone', { budget: 500 }, { skipped: true }],
  ['only a name', { name: 'Только Имя' }, { synced: { name: 'Только Имя', price: 0 } }],
  [
    'only a phone',
    { phone: '8 (916) 700-00-01' },
    { synced: { name: '+79167000001', phone: '+79167000001' } },
  ],
  [
    'only an email',
    { email: 'only@example.com' },
    { synced: { name: 'only@example.com', email: 'only@example.com' } },
  ],
  [
    'an email with spaces around',
    { name: 'Пробелы', email: '  spaced@example.com  ' },
    { synced: { email: 'spaced@example.com' } },
  ],
  [
    'an email with a space inside',
    { name: 'A', email: 'ivan petrov@example.com' },
    err('email "ivan petrov@example.com" is not a valid address'),
  ],
  [
    'an email without @',
    { name: 'B', email: 'ivan.example.com' },
    err('email "ivan.example.com" is not a valid address'),
  ],
  [
    'an email with two @',
    { name: 'C', email: 'a@b@example.com' },
    err('email "a@b@example.com" is not a valid address'),
  ],
  [
    'two emails in one cell',
    { name: 'D', email: 'a@example.com, b@example.com' },
    err('email "a@example.com, b@example.com" is not a valid address'),
  ],
  [
    'an email with a double dot',
    { name: 'E', email: 'a..b@example.com' },
    err('email "a..b@example.com" is not a valid address'),
  ],
  [
    'a Cyrillic domain',
    { name: 'Кириллица', email: 'Иван@Почта.рф' },
    { synced: { email: 'иван@почта.рф' } },
  ],
  [
    'an uppercase email',
    { name: 'Upper', email: 'UPPER@EXAMPLE.COM' },
    { synced: { email: 'upper@example.com' } },
  ],
  [
    'a mailto: email',
    { name: 'Mailto', email: 'mailto:Mail@Example.com' },
    { synced: { email: 'mail@example.com' } },
  ],
  [
    'a phone with letters',
    { name: 'F', phone: '8 912 abc 45 67' },
    err('phone "8 912 abc 45 67" is not a valid number'),
  ],
  [
    'a phone with an extension (доб.)',
    { name: 'G', phone: '8 (912) 345-67-89 доб. 123' },
    err('phone "8 (912) 345-67-89 доб. 123" has an extension'),
  ],
  [
    'a phone with an extension (ext)',
    { name: 'H', phone: '+1 212 555 0100 ext 5' },
    err('phone "+1 212 555 0100 ext 5" has an extension'),
  ],
  ['a phone too short', { name: 'I', phone: '12345' }, err('phone "12345" is too short')],
  [
    'a phone too long',
    { name: 'J', phone: '+7 912 345 67 89 1234' },
    { error: /^error: phone "\+7 912 345 67 89 1234" is (too long|not a valid number)/ },
  ],
  [
    'a RU phone written with 8',
    { name: 'Восьмёрка', phone: '8 (916) 700-00-02' },
    { synced: { phone: '+79167000002' } },
  ],
  [
    'a RU phone written with +7',
    { name: 'Плюс семь', phone: '+7 916 700 00 03' },
    { synced: { phone: '+79167000003' } },
  ],
  [
    'a foreign phone with +',
    { name: 'London', phone: '+44 20 7946 0958' },
    { synced: { phone: '+442079460958' } },
  ],
  [
    'a foreign phone with 00',
    { name: 'Berlin', phone: '0049 30 12345678' },
    { synced: { phone: '+493012345678' } },
  ],
  [
    'a foreign phone without +',
    { name: 'K', phone: '44 20 7946 0959' },
    err(
      'phone "44 20 7946 0959" is not a valid RU number: for a foreign number add the country code with +'
    ),
  ],
  [
    'an unknown country code',
    { name: 'L', phone: '+999 123 456 789' },
    err('phone "+999 123 456 789" has an unknown country code'),
  ],
  [
    'a negative budget',
    { name: 'M', email: 'm@example.com', budget: -5 },
    err('budget "-5" is negative'),
  ],
  [
    'a huge budget',
    { name: 'N', email: 'n@example.com', budget: 99999999999 },
    err('budget "99999999999" is more than AmoCRM allows (2147483647)'),
  ],
  [
    'budget 1,5',
    { name: 'Полтора', email: 'one.five@example.com', budget: '1,5' },
    { synced: { price: 2 } },
  ],
  [
    'budget 1.500,00',
    { name: 'Полторы тысячи', email: 'eu@example.com', budget: '1.500,00' },
    { synced: { price: 1500 } },
  ],
  [
    'budget 1 500 ₽',
    { name: 'Рубли', email: 'rub@example.com', budget: '1 500 ₽' },
    { synced: { price: 1500 } },
  ],
  [
    'budget 1,500 (ambiguous)',
    { name: 'O', email: 'o@example.com', budget: '1,500' },
    err('budget "1,500" is ambiguous'),
  ],
  [
    'budget as text',
    { name: 'P', email: 'p@example.com', budget: 'много' },
    err('budget "много" is not a number'),
  ],
  ['budget 0', { name: 'Ноль', email: 'zero@example.com', budget: 0 }, { synced: { price: 0 } }],
  [
    'a fractional budget',
    { name: 'Дробь', email: 'frac@example.com', budget: 1499.5 },
    { synced: { price: 1500 } },
  ],
  [
    'a formula that computes a budget',
    { name: 'Формула', email: 'formula@example.com', budget: '=1000+234' },
    { synced: { price: 1234 } },
  ],
  [
    'a budget formula =1/0 (#DIV/0!)',
    { name: 'Q', email: 'q@example.com', budget: '=1/0' },
    { error: /^error: budget .*#DIV\/0!/ },
  ],
  [
    'a budget #N/A',
    { name: 'R', email: 'r@example.com', budget: '#N/A' },
    { error: /^error: budget .*#N\/A/ },
  ],
  ['an email formula =1/0', { name: 'S', email: '=1/0' }, { error: /^error: email .*#DIV\/0!/ }],
  [
    'a name formula =1/0 (#DIV/0!)',
    { name: '=1/0', email: 'div0@example.com' },
    { error: /^error: name .*#DIV\/0!/ },
  ],
  ['a name #N/A', { name: '#N/A', email: 'na@example.com' }, { error: /^error: name .*#N\/A/ }],
  [
    'a date as budget',
    { name: 'T', email: 't@example.com', budget: '2025-01-15' },
    err('budget is a date, not a number: format the cell as a number'),
  ],
  [
    'a date as name',
    { name: '2025-01-15', email: 'date@example.com' },
    err('name is a date: format the cell as plain text'),
  ],
  ['a date as email', { name: 'U', email: '2025-01-15' }, err('email is not an address')],
  [
    'TRUE as budget',
    { name: 'V', email: 'v@example.com', budget: 'TRUE' },
    err('budget TRUE is not a number'),
  ],
  ['FALSE as name', { name: 'FALSE', email: 'false@example.com' }, err('name is not text')],
  ['TRUE as email', { name: 'W', email: 'TRUE' }, err('email is not an address')],
  [
    'a 10,000-character name',
    { name: LONG_NAME, email: 'long@example.com' },
    err('name is too long: 10000 characters, at most 255 allowed'),
  ],
  [
    'a 255-character name',
    { name: NAME_255, email: 'max@example.com' },
    { synced: { name: NAME_255 } },
  ],
  [
    'an RTL name',
    { name: 'محمد عبد الله', email: 'rtl@example.com' },
    { synced: { name: 'محمد عبد الله' } },
  ],
  [
    'an emoji name',
    { name: '👩‍💻 Анна 🚀', email: 'emoji@example.com' },
    { synced: { name: '👩‍💻 Анна 🚀' } },
  ],
  [
    'a name with a line break',
    { name: 'Иван\nПетров', email: 'lines@example.com' },
    { synced: { name: 'Иван Петров' } },
  ],
  [
    'every field wrong at once',
    { name: '2025-01-01', phone: 'abc', email: 'x', budget: 'y' },
    err(
      'name is a date: format the cell as plain text; phone "abc" is not a valid number; email "x" is not a valid address; budget "y" is not a number'
    ),
  ],
  [
    'a row (first of twins)',
    { name: 'Близнец', phone: '8 (916) 700-00-09', email: 'twin@example.com', budget: 10 },
    { synced: { phone: '+79167000009', email: 'twin@example.com', price: 10 } },
  ],
  [
    'the same row again in the paste',
    { name: 'Близнец', phone: '8 (916) 700-00-09', email: 'twin@example.com', budget: 10 },
    { synced: { phone: '+79167000009', email: 'twin@example.com', price: 10 } },
  ],
];

let w: World;

beforeAll(async () => {
  w = await startWorld();
});

afterAll(async () => {
  await w.stop();
});

describe(`${CASES.length} bad and odd rows pasted at once`, () => {
  let run: RunResult;
  let leads: LeadRecord[];
  let contacts: Map<number, ContactRecord>;

  beforeAll(async () => {
    [run] = w.type(CASES.map(c => c[1]));
    const state = await w.fake.admin.state();
    leads = state.leads.filter(l => !l.is_deleted);
    contacts = new Map(state.contacts.map(c => [c.id, c]));
  });

  it('is one run that ends without an error', () => {
    expect(run.error).toBeNull();
    expect(w.rows()).toHaveLength(CASES.length);
  });

  it.each(CASES.map((c, i) => [c[0], i, c[2]] as const))('%s', (_title, i, expected) => {
    const row = w.row(i);
    const status = String(row.sync_status);
    if ('skipped' in expected) {
      expect(status).toBe('');
      expect(row.amo_deal_id).toBe('');
      return;
    }
    if ('error' in expected) {
      expect(status).toMatch(expected.error);
      expect(row.amo_deal_id).toBe('');
      // A person can read it in the cell: one line, not a stack trace or a 10,000-character echo.
      expect(status.length).toBeLessThan(400);
      return;
    }
    expect(status).toMatch(/^✓ synced/);
    const lead = leads.find(l => String(l.id) === String(row.amo_deal_id));
    expect(lead).toBeDefined();
    const contact = contacts.get(Number(row.amo_contact_id));
    expect(contact).toBeDefined();
    const want = expected.synced;
    if (want.price !== undefined) expect(lead!.price).toBe(want.price);
    if (want.name !== undefined) expect(contact!.name).toBe(want.name);
    if (want.phone !== undefined) expect(fieldValue(contact!, 'PHONE')).toBe(want.phone);
    if (want.email !== undefined) expect(fieldValue(contact!, 'EMAIL')).toBe(want.email);
  });

  it('makes one lead per synced row and no other', () => {
    const synced = w.rows().filter(r => /^✓ synced/.test(String(r.sync_status)));
    expect(leads).toHaveLength(synced.length);
    expect(new Set(synced.map(r => r.amo_deal_id)).size).toBe(synced.length);
  });

  it('gives twins in one paste two leads and one contact', () => {
    const twins = w.rows().filter(r => r.name === 'Близнец');
    expect(twins).toHaveLength(2);
    expect(twins[0].amo_deal_id).not.toBe(twins[1].amo_deal_id);
    expect(twins[0].amo_contact_id).toBe(twins[1].amo_contact_id);
    const withTwinEmail = [...contacts.values()].filter(
      c => fieldValue(c, 'EMAIL') === 'twin@example.com'
    );
    expect(withTwinEmail).toHaveLength(1);
  });

  it('keeps the typed values in the cells (a bad row is not rewritten)', () => {
    expect(w.row(CASES.findIndex(c => c[0] === 'a phone with letters')).phone).toBe(
      '8 912 abc 45 67'
    );
    expect(w.row(CASES.findIndex(c => c[0] === 'a 10,000-character name')).name).toBe(LONG_NAME);
  });

  it('leaves nothing for Sync now to send or change, and it counts the rows in error', async () => {
    const before = w.rows();
    await w.fake.admin.resetRequests();
    const sync = w.rt.run('syncNow');
    expect(sync.error).toBeNull();
    const writes = Object.keys(sync.counters.httpByEndpoint).filter(k => !k.startsWith('GET'));
    expect(writes).toEqual([]);
    const errors = w.rows().filter(r => /^error/.test(String(r.sync_status))).length;
    expect(w.rt.ui.toasts.at(-1)?.message).toMatch(new RegExp(`errors ${errors}\\b`));
    const changed = w
      .rows()
      .flatMap((r, i) =>
        ['name', 'phone', 'email', 'budget']
          .filter(h => String(r[h]) !== String(before[i][h]))
          .map(h => `row ${i + 2} ${h}: ${JSON.stringify(before[i][h])} → ${JSON.stringify(r[h])}`)
      );
    // Nothing changed in AmoCRM: no cell a person typed (or left empty) may change either.
    expect(changed).toEqual([]);
  });
});

describe('a row edited while its lead is being created', () => {
  async function createWith(nested: (w: World) => RunResult[] | RunResult) {
    const world = await startWorld();
    let fired = false;
    world.rt.hooks.afterFetch = req => {
      if (fired || !req.url.includes('/api/v4/leads/complex')) return;
      fired = true;
      // AmoCRM has made the lead; the script has not written it down yet.
      const inner = [nested(world)].flat();
      for (const r of inner) expect(r.error).toBeNull();
    };
    const [outer] = world.type([{ name: 'Гонка', email: 'race@example.com', budget: 100 }]);
    delete world.rt.hooks.afterFetch;
    expect(fired).toBe(true);
    expect(outer.error).toBeNull();
    return world;
  }

  async function liveLeads(world: World) {
    return (await world.fake.admin.state()).leads.filter(l => !l.is_deleted);
  }

  it("keeps the person's new budget, and the next background run sends it to the same lead", async () => {
    const world = await createWith(x => x.edit(2, 'budget', 777));
    try {
      expect(world.row(0).budget).toBe(777);
      expect(await liveLeads(world)).toHaveLength(1);
      world.rt.clock.advance(60_000);
      expect(world.rt.run('runBackgroundWork', { type: 'time' }).error).toBeNull();
      const leads = await liveLeads(world);
      expect(leads).toHaveLength(1);
      expect(leads[0].price).toBe(777);
      expect(world.row(0).amo_deal_id).toBe(String(leads[0].id));
      expect(String(world.row(0).sync_status)).toMatch(/^✓ synced/);
    } finally {
      await world.stop();
    }
  });

  it('Sync now clicked meanwhile makes no second lead', async () => {
    const world = await createWith(x => x.rt.run('syncNow'));
    try {
      world.rt.clock.advance(60_000);
      world.rt.run('syncNow');
      const leads = await liveLeads(world);
      expect(leads).toHaveLength(1);
      expect(world.row(0).amo_deal_id).toBe(String(leads[0].id));
      expect(String(world.row(0).sync_status)).toMatch(/^✓ synced/);
    } finally {
      await world.stop();
    }
  });
});
