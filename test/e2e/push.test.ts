// Sheet → AmoCRM, end to end: the built bundle in the local runtime, a person typing into the
// sheet (installed on-edit trigger), the AmoCRM fake over HTTP.
import { World, SHEET } from '../../sandbox/world';
import type { RunResult } from '../../sandbox/runtime';

let w: World;

beforeEach(async () => {
  w = await World.start();
  w.run('installTriggers');
  await w.fake.admin.resetRequests();
});

afterEach(async () => {
  await w.stop();
});

const ivan = {
  name: 'Иван Петров',
  phone: '8 (912) 345-67-89',
  email: 'Ivan@Example.com',
  budget: 1500,
};

function only(results: RunResult[]): RunResult {
  expect(results).toHaveLength(1);
  expect(results[0].error).toBeNull();
  return results[0];
}

async function leads() {
  return (await w.fake.admin.state()).leads.filter(l => !l.is_deleted);
}

async function contacts() {
  return (await w.fake.admin.state()).contacts;
}

describe('a typed row', () => {
  it('becomes one contact and one lead, linked back into the row as text', async () => {
    const run = only(w.type([ivan]));
    const row = w.row(0);
    const [lead] = await leads();
    expect(row.amo_deal_id).toBe(String(lead.id));
    expect(row.amo_contact_id).toBe(String(lead.contacts[0].id));
    expect(lead.contacts[0].is_main).toBe(true);
    expect(row.amo_link).toBe(`${w.fake.url}/leads/detail/${lead.id}`);
    expect(row.status).toBe('Первичный контакт');
    expect(row.external_id).toMatch(/^r-[0-9a-f]{27}$/);
    expect(String(row.sync_status)).toMatch(/^✓ synced/);
    expect(lead.price).toBe(1500);
    const [contact] = await contacts();
    const byCode = Object.fromEntries(
      (contact.custom_fields_values ?? []).map(f => [f.field_code, f.values])
    );
    expect(byCode.PHONE).toEqual([
      expect.objectContaining({ value: '+79123456789', enum_code: 'WORK' }),
    ]);
    expect(byCode.EMAIL).toEqual([
      expect.objectContaining({ value: 'ivan@example.com', enum_code: 'WORK' }),
    ]);
    // Budget: searches together in one fetchAll, then one complex; no debounce sleep.
    expect(run.counters.fetchAllBatches).toBeLessThanOrEqual(2);
    expect(run.counters.sleepMs).toBe(0);
    expect(run.counters.httpByEndpoint).toEqual({
      'GET /api/v4/contacts': 2,
      'POST /api/v4/leads/complex': 1,
    });
  });

  it('keeps ids and phones as text in the cells', () => {
    w.type([ivan]);
    const col = (h: string) => w.headers.indexOf(h) + 1;
    expect(typeof w.rt.spreadsheet.cell(SHEET, 2, col('amo_deal_id')).value).toBe('string');
    expect(typeof w.rt.spreadsheet.cell(SHEET, 2, col('amo_contact_id')).value).toBe('string');
  });

  it('never writes a column with another header', () => {
    w.type([{ ...ivan, Комментарий: 'звонил в понедельник' }]);
    w.edit(2, 'budget', 2000);
    expect(w.row(0)['Комментарий']).toBe('звонил в понедельник');
  });
});

describe('a paste', () => {
  it('of five rows makes five leads in one run', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({
      name: `Клиент ${i}`,
      phone: `8 (900) 000-00-0${i}`,
      email: `client${i}@example.com`,
      budget: 1000 * (i + 1),
    }));
    only(w.type(rows));
    expect(await leads()).toHaveLength(5);
    expect(new Set(w.rows().map(r => r.amo_deal_id)).size).toBe(5);
  });

  it('of 50 new rows takes at most 4 round trips and 4 sheet writes', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({
      name: `Клиент ${i}`,
      phone: `8 (900) 000-${String(i).padStart(4, '0').slice(0, 2)}-${String(i).padStart(2, '0')}`,
      email: `client${i}@example.com`,
      budget: 100 + i,
    }));
    const run = only(w.type(rows));
    expect(run.counters.fetchAllBatches).toBeLessThanOrEqual(4);
    // Phase 1 writes the new ids (external_id + sync_status); phase 3 the links, the
    // sync_status and the memory notes — only the cells that change, so external_id, which
    // sits between status and sync_status, splits the links from sync_status.
    expect(run.counters.spreadsheetWrites).toBeLessThanOrEqual(4);
    expect(await leads()).toHaveLength(50);
    expect(await contacts()).toHaveLength(50);
  });
});

describe('contact matching', () => {
  it('treats Ivan@Example.com and ivan@example.com as one contact', async () => {
    w.type([ivan]);
    w.type([{ name: 'Иван', email: 'ivan@example.com', budget: 10 }]);
    expect(await contacts()).toHaveLength(1);
    expect(await leads()).toHaveLength(2);
    expect(w.row(1).amo_contact_id).toBe(w.row(0).amo_contact_id);
  });

  it('treats 8 (912) 345-67-89 and +7 912 345 67 89 as one contact', async () => {
    w.type([{ name: 'Иван', phone: '8 (912) 345-67-89' }]);
    w.type([{ name: 'Иван П.', phone: '+7 912 345 67 89' }]);
    expect(await contacts()).toHaveLength(1);
    expect(w.row(1).amo_contact_id).toBe(w.row(0).amo_contact_id);
  });

  it('reuses a contact that already existed in AmoCRM, and adds the email it lacked', async () => {
    const { contactIds } = await w.fake.admin.seed({
      contacts: [{ name: 'Иван Петров', phone: '89123456789' }],
    });
    w.type([{ name: 'Иван Петров', phone: '+7 912 345 67 89', email: 'ivan@example.com' }]);
    expect(await contacts()).toHaveLength(1);
    expect(w.row(0).amo_contact_id).toBe(String(contactIds[0]));
    const contact = await w.fake.admin.contact(contactIds[0]);
    const email = contact?.custom_fields_values?.find(f => f.field_code === 'EMAIL');
    expect(email?.values[0].value).toBe('ivan@example.com');
  });
});

describe('a reused contact with another email', () => {
  it("keeps its own email and gets the row's too", async () => {
    const { contactIds } = await w.fake.admin.seed({
      contacts: [{ name: 'Кирилл', phone: '89261112233', email: 'kirill@gmail.com' }],
    });
    w.type([{ name: 'Кирилл', phone: '79261112233', email: 'kirill@work.ru' }]);
    expect(w.row(0).amo_contact_id).toBe(String(contactIds[0]));
    const contact = await w.fake.admin.contact(contactIds[0]);
    const values = (code: string) =>
      contact?.custom_fields_values?.find(f => f.field_code === code)?.values.map(v => v.value);
    expect(values('EMAIL')).toEqual(['kirill@gmail.com', 'kirill@work.ru']);
    expect(values('PHONE')).toEqual(['89261112233']);
  });
});

describe('edits of synced rows', () => {
  it('a budget edit updates the same lead and only the lead', async () => {
    w.type([ivan]);
    const dealId = Number(w.row(0).amo_deal_id);
    await w.fake.admin.resetRequests();
    const run = only(w.edit(2, 'budget', 2500));
    expect(run.counters.httpByEndpoint).toEqual({ 'PATCH /api/v4/leads': 1 });
    expect((await w.fake.admin.lead(dealId))?.price).toBe(2500);
    expect(await leads()).toHaveLength(1);
  });

  it('a phone edit updates the contact', async () => {
    w.type([ivan]);
    const contactId = Number(w.row(0).amo_contact_id);
    only(w.edit(2, 'phone', '8 (999) 111-22-33'));
    const contact = await w.fake.admin.contact(contactId);
    const phone = contact?.custom_fields_values?.find(f => f.field_code === 'PHONE');
    expect(phone?.values[0].value).toBe('+79991112233');
  });

  it('an email edit naming a person AmoCRM already has links that contact, never a second one with that email', async () => {
    w.type([
      { name: 'Анна', email: 'anna@example.com', phone: '8 (901) 000-00-01', budget: 1 },
      { name: 'Борис', email: 'boris@example.com', phone: '8 (901) 000-00-02', budget: 2 },
    ]);
    const [anna, boris] = w.rows().map(r => Number(r.amo_contact_id));
    expect(anna).not.toBe(boris);
    // Anna's deal turns out to be Boris's: the person types his email and phone into her row.
    w.rt.spreadsheet.setValues(SHEET, 2, 2, [['8 (901) 000-00-02', 'boris@example.com']]);
    only([
      w.rt.fireTrigger(w.rt.triggers.byEventType('ON_EDIT')[0].uid, {
        sheet: SHEET,
        row: 2,
        column: 2,
        numColumns: 2,
      }),
    ]);
    expect(Number(w.row(0).amo_contact_id)).toBe(boris);
    const withEmail = (await contacts()).filter(c =>
      (c.custom_fields_values ?? []).some(f =>
        f.values.some(v => String(v.value).toLowerCase() === 'boris@example.com')
      )
    );
    expect(withEmail.map(c => c.id)).toEqual([boris]);
    const annaContact = await w.fake.admin.contact(anna);
    expect(JSON.stringify(annaContact?.custom_fields_values)).toContain('anna@example.com');
  });

  it('sorting the sheet between edits does not change which lead a row has', async () => {
    w.type([
      { name: 'Борис', email: 'b@example.com', budget: 1 },
      { name: 'Анна', email: 'a@example.com', budget: 2 },
      { name: 'Вера', email: 'v@example.com', budget: 3 },
    ]);
    const before = new Map(w.rows().map(r => [r.name, r.amo_deal_id]));
    w.rt.spreadsheet.sortBy(SHEET, 1, true);
    expect(w.rows().map(r => r.name)).toEqual(['Анна', 'Борис', 'Вера']);
    only(w.edit(4, 'budget', 333));
    const after = new Map(w.rows().map(r => [r.name, r.amo_deal_id]));
    expect(after).toEqual(before);
    expect((await w.fake.admin.lead(Number(before.get('Вера'))))?.price).toBe(333);
    expect((await w.fake.admin.lead(Number(before.get('Анна'))))?.price).toBe(2);
    expect(await leads()).toHaveLength(3);
  });

  it('an edit of an unchanged value costs no request', async () => {
    w.type([ivan]);
    await w.fake.admin.resetRequests();
    const run = only(w.edit(2, 'budget', 1500));
    expect(run.counters.httpRequests).toBe(0);
  });
});

describe('one row, one lead', () => {
  it('an execution killed right after the create leaves one lead once the next runs finish', async () => {
    await w.fake.admin.inject({ match: { path: '/api/v4/leads/complex' }, action: 'kill-after' });
    const [killed] = w.type([ivan]);
    expect(killed.killed).toBe(true);
    expect(await leads()).toHaveLength(1);
    expect(w.row(0).amo_deal_id).toBe('');
    // A second edit right away must not create again while the first may still be running.
    w.edit(2, 'budget', 1600);
    expect(await leads()).toHaveLength(1);
    w.rt.clock.advance(7 * 60 * 1000);
    w.run('runBackgroundWork', { type: 'time' });
    // The next full run (every 5–10 minutes) pushes the edit onto the adopted lead.
    w.rt.clock.advance(10 * 60 * 1000);
    w.run('runBackgroundWork', { type: 'time' });
    const all = await leads();
    expect(all).toHaveLength(1);
    expect(w.row(0).amo_deal_id).toBe(String(all[0].id));
    expect(all[0].price).toBe(1600);
    expect(await contacts()).toHaveLength(1);
    const log = w.rt.spreadsheet.records('AmoCRM log');
    expect(log.map(l => l.outcome)).toContain('recovered');
  });

  it('an edit while the lock is held elsewhere is synced later, once', async () => {
    w.rt.locks.holdScriptLock();
    only(w.type([ivan]));
    expect(await leads()).toHaveLength(0);
    w.rt.locks.releaseHeld();
    w.rt.clock.advance(10 * 60 * 1000);
    w.run('runBackgroundWork', { type: 'time' });
    w.run('runBackgroundWork', { type: 'time' });
    expect(await leads()).toHaveLength(1);
    expect(String(w.row(0).sync_status)).toMatch(/^✓ synced/);
  });

  it('a copied row (same external_id and deal id) becomes a new lead of its own', async () => {
    w.type([ivan]);
    const copy = w.rows()[0];
    w.type([{ ...copy, budget: 999 }]);
    const all = await leads();
    expect(all).toHaveLength(2);
    expect(w.row(1).external_id).not.toBe(w.row(0).external_id);
    expect(w.row(1).amo_deal_id).not.toBe(w.row(0).amo_deal_id);
  });
});

describe('bad input', () => {
  it.each([
    [{ name: 'A', email: 'ivan@' }, /^error: .*email/],
    [{ name: 'B', phone: '12ab' }, /^error: .*phone/],
    [{ name: 'C', email: 'c@example.com', budget: 'много' }, /^error: .*budget/],
  ])('%o gets a clear sync_status and sends nothing for the row', async (row, status) => {
    const run = only(w.type([row, { name: 'Good', email: 'good@example.com' }]));
    expect(String(w.row(0).sync_status)).toMatch(status);
    expect(w.row(0).amo_deal_id).toBe('');
    expect(String(w.row(1).sync_status)).toMatch(/^✓ synced/);
    expect(await leads()).toHaveLength(1);
    expect(run.counters.httpByEndpoint['GET /api/v4/contacts']).toBe(1);
  });

  it('an empty row is skipped', () => {
    const run = only(w.type([{ Комментарий: 'просто заметка' }]));
    expect(run.counters.httpRequests).toBe(0);
    expect(w.row(0).sync_status).toBe('');
  });
});

describe('syncNow', () => {
  it('over 1,000 unchanged rows pushes nothing and reads the sheet in at most 3 calls', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      name: `Клиент ${i}`,
      email: `c${i}@example.com`,
      budget: i,
    }));
    w.rt.spreadsheet.setValues(
      SHEET,
      2,
      1,
      rows.map(r => w.headers.map(h => (h in r ? (r as Record<string, unknown>)[h] : '')))
    );
    w.run('importExistingRows');
    expect(await leads()).toHaveLength(1000);
    // The first Sync now also pulls the import's own 1,000 new leads back (they are
    // changes in AmoCRM too, and write nothing); from then on nothing has changed. A person
    // clicks a minute apart: AmoCRM counts whole seconds, so the pull lists again the leads
    // changed in the very second it read (a later change in that second must not be missed).
    w.rt.clock.advance(60_000);
    w.run('syncNow');
    await w.fake.admin.resetRequests();
    w.rt.clock.advance(60_000);
    const sync = w.run('syncNow');
    const writes = Object.keys(sync.counters.httpByEndpoint).filter(k => !k.startsWith('GET'));
    expect(writes).toEqual([]);
    expect(sync.counters.httpByEndpoint['GET /api/v4/contacts/search'] ?? 0).toBe(0);
    expect(sync.counters.spreadsheetCalls).toBeLessThanOrEqual(3);
    expect(w.rt.ui.toasts.at(-1)?.message).toMatch(
      /Created 0, updated 0, unchanged 1000, errors 0/
    );
  });
});

describe('a lead deleted in AmoCRM', () => {
  it('keeps the row; clearing amo_deal_id makes a new lead', async () => {
    w.type([ivan]);
    const dealId = Number(w.row(0).amo_deal_id);
    await w.fake.admin.deleteLead({ leadId: dealId, now: w.now() });
    w.nextMinute();
    expect(String(w.row(0).sync_status)).toMatch(/^deleted/);
    expect(w.row(0).name).toBe('Иван Петров');
    w.edit(2, 'budget', 1700);
    expect((await leads()).length).toBe(0);
    only(w.edit(2, 'amo_deal_id', ''));
    w.run('syncNow');
    const all = await leads();
    expect(all).toHaveLength(1);
    expect(w.row(0).amo_deal_id).toBe(String(all[0].id));
    expect(all[0].price).toBe(1700);
  });
});
