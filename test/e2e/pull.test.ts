// AmoCRM → sheet, end to end: a manager changes a lead or a contact in the AmoCRM fake, the
// fake posts its real webhook over HTTP to the runtime's web-app front, doPost queues what it
// names, the next minute's background run applies it, and the person sees AmoCRM's current
// values in the row linked to the lead.
import {
  answerOf,
  col,
  contactIdOf,
  lastWebhook,
  leadIdOf,
  QUEUED,
  rowOfLead,
  SHEET,
  snapshot,
  STATUS,
  webhookBody,
  webhooksSince,
  WEBHOOK_SECRET,
  World,
  worldWithRows,
} from './pull-helpers';

const ANN = { name: 'Ann Lee', phone: '8 912 345-67-89', email: 'ann@example.com', budget: 1000 };
const BORIS = { name: 'Boris Orlov', phone: '+7 903 111-22-33', email: 'boris@example.com' };
const VERA = { name: 'Vera Ivanova', phone: '8 916 555-44-33', email: 'vera@example.com' };

let w: World;

afterEach(async () => {
  await w?.stop();
});

describe('a manager changes a lead in AmoCRM', () => {
  it('a status change reaches the web app over HTTP and lands as the status name', async () => {
    w = await worldWithRows([ANN]);
    const from = w.rt.webExecutions.length;
    const { deliveries } = await w.fake.admin.setLeadStatus({
      leadId: leadIdOf(w, 0),
      statusId: STATUS.talks.id,
      now: w.now(),
    });

    expect(deliveries.map(d => [d.status, d.ok])).toEqual([[200, true]]);
    const [hook] = webhooksSince(w, from);
    expect(hook.query).toBe(`secret=${WEBHOOK_SECRET}`);
    expect(answerOf(hook)).toEqual(QUEUED);
    w.nextMinute();
    expect(w.row(0)).toMatchObject({ name: 'Ann Lee', budget: 1000, status: STATUS.talks.name });
  });

  it('a price change lands in budget', async () => {
    w = await worldWithRows([ANN]);
    await w.fake.admin.setLeadPrice({ leadId: leadIdOf(w, 0), price: 25000, now: w.now() });

    expect(answerOf(lastWebhook(w))).toEqual(QUEUED);
    w.nextMinute();
    expect(w.row(0)).toMatchObject({ budget: 25000, status: STATUS.first.name });
  });

  it('after the person sorted the sheet and inserted rows, the right rows change', async () => {
    w = await worldWithRows([ANN, BORIS, VERA]);
    const [ann, boris, vera] = [0, 1, 2].map(i => leadIdOf(w, i));
    w.rt.spreadsheet.sortBy(SHEET, col('name'), false); // Vera, Boris, Ann
    w.rt.spreadsheet.insertRowsAt(SHEET, 3, 2); // two empty rows between Vera and Boris
    expect(w.rows().map(r => r.name)).toEqual(['Vera Ivanova', '', '', 'Boris Orlov', 'Ann Lee']);

    await w.fake.admin.setLeadStatus({ leadId: boris, statusId: STATUS.deciding.id, now: w.now() });
    await w.fake.admin.setLeadPrice({ leadId: ann, price: 7700, now: w.now() });
    w.nextMinute();

    expect(w.rows().map(r => [r.name, r.status, r.budget])).toEqual([
      ['Vera Ivanova', STATUS.first.name, ''],
      ['', '', ''],
      ['', '', ''],
      ['Boris Orlov', STATUS.deciding.name, ''],
      ['Ann Lee', STATUS.first.name, 7700],
    ]);
    expect(rowOfLead(w, vera).sync_status).toMatch(/^✓ synced/);
  });

  it('a lead no row links is ignored: no request, nothing written', async () => {
    w = await worldWithRows([ANN]);
    const before = snapshot(w);
    await w.fake.admin.createLead({ name: 'Walk-in', price: 500, now: w.now() });

    const hook = lastWebhook(w);
    expect(answerOf(hook)).toEqual(QUEUED);
    expect(hook.result?.counters.httpRequests).toBe(0);
    w.nextMinute();
    expect(snapshot(w)).toBe(before);
  });
});

describe('deliveries repeated or out of order', () => {
  it('the same delivery three more times leaves the row at the current values, unwritten', async () => {
    w = await worldWithRows([ANN]);
    const leadId = leadIdOf(w, 0);
    const { deliveries } = await w.fake.admin.setLeadPrice({ leadId, price: 3000, now: w.now() });
    w.nextMinute();
    const after = snapshot(w);

    for (let i = 0; i < 3; i++) {
      const [again] = await w.fake.admin.deliverRaw(deliveries[0].body);
      expect(JSON.parse(again.responseBody)).toEqual(QUEUED);
      expect(lastWebhook(w).result?.counters.spreadsheetWrites).toBe(0);
      const [run] = w.nextMinute();
      expect(run.counters.spreadsheetWrites).toBe(0);
    }
    expect(snapshot(w)).toBe(after);
    expect(w.row(0).budget).toBe(3000);
  });

  it('an older delivery arriving after a newer one does not bring back the old values', async () => {
    w = await worldWithRows([ANN]);
    const leadId = leadIdOf(w, 0);
    const older = await w.fake.admin.setLeadPrice({ leadId, price: 2000, now: w.now() });
    w.rt.clock.advance(60_000);
    const newer = await w.fake.admin.setLeadPrice({ leadId, price: 3000, now: w.now() });
    expect(older.deliveries[0].body).toContain('%5Bprice%5D=2000');

    await w.fake.admin.deliverRaw(newer.deliveries[0].body);
    await w.fake.admin.deliverRaw(older.deliveries[0].body);
    w.nextMinute();

    expect(w.row(0).budget).toBe(3000);
  });

  it('a delete delivered late for a lead that exists does not mark the row deleted', async () => {
    w = await worldWithRows([ANN]);
    const leadId = leadIdOf(w, 0);
    const [late] = await w.fake.admin.deliverRaw(webhookBody([['leads.delete', leadId]]));

    expect(JSON.parse(late.responseBody)).toEqual(QUEUED);
    w.nextMinute();
    expect(w.row(0).sync_status).toMatch(/^✓ synced/);
    expect(w.row(0).status).toBe(STATUS.first.name);
  });
});

describe('a manager deletes a lead', () => {
  it('the row keeps its data and says the lead was deleted', async () => {
    w = await worldWithRows([ANN]);
    const before = w.row(0);
    await w.fake.admin.deleteLead({ leadId: leadIdOf(w, 0), now: w.now() });

    expect(answerOf(lastWebhook(w))).toEqual(QUEUED);
    w.nextMinute();
    const row = w.row(0);
    expect(row.sync_status).toMatch(/^deleted/);
    const data = ['name', 'phone', 'email', 'budget', 'status', 'amo_deal_id'] as const;
    for (const key of data) expect(row[key]).toEqual(before[key]);
  });

  it('a later change of its contact leaves the deleted row as it was', async () => {
    w = await worldWithRows([ANN]);
    await w.fake.admin.deleteLead({ leadId: leadIdOf(w, 0), now: w.now() });
    w.nextMinute();
    const deleted = snapshot(w);
    await w.fake.admin.editContact({
      contactId: contactIdOf(w, 0),
      phone: '+79990001122',
      now: w.now(),
    });

    expect(answerOf(lastWebhook(w))).toMatchObject({ ok: true });
    w.nextMinute();
    expect(snapshot(w)).toBe(deleted);
  });
});

describe('a manager edits a contact', () => {
  it("the contact's new phone reaches every row linked to it, as text", async () => {
    const annAgain = { name: 'Ann Lee', email: 'ANN@example.com', budget: 2000 };
    w = await worldWithRows([ANN, BORIS, annAgain]);
    expect(contactIdOf(w, 2)).toBe(contactIdOf(w, 0)); // the same email: one contact
    await w.fake.admin.editContact({
      contactId: contactIdOf(w, 0),
      phone: '+79990001122',
      now: w.now(),
    });

    expect(answerOf(lastWebhook(w))).toEqual(QUEUED);
    w.nextMinute();
    for (const row of [2, 4]) {
      const phone = w.rt.spreadsheet.cell(SHEET, row, col('phone'));
      expect([phone.value, phone.formula]).toEqual(['+79990001122', '']);
    }
    expect(w.row(1).phone).toBe(BORIS.phone);
  });
});

describe('older and odd layouts', () => {
  it('a 2016-layout body (account last, no account id, sparse indexes) is applied', async () => {
    w = await worldWithRows([ANN, BORIS]);
    await w.fake.admin.setWebhookDelivery(false);
    await w.fake.admin.setLeadPrice({ leadId: leadIdOf(w, 1), price: 800, now: w.now() });
    await w.fake.admin.setWebhookDelivery(true);
    const body = [
      `leads%5Bresponsible%5D%5B7%5D%5Bid%5D=${leadIdOf(w, 1)}`,
      `leads%5Bresponsible%5D%5B7%5D%5Bresponsible_user_id%5D=102525`,
      'leads%5Brestore%5D%5B2%5D%5Bid%5D=52379505',
      'account%5Bsubdomain%5D=example',
    ].join('&');

    const [delivery] = await w.fake.admin.deliverRaw(body);

    expect(JSON.parse(delivery.responseBody)).toEqual(QUEUED);
    w.nextMinute();
    expect(w.row(1).budget).toBe(800);
  });
});

describe('a delivery naming a lead and its contact', () => {
  it('applies both changes, and the next change still lands', async () => {
    w = await worldWithRows([ANN]);
    const [leadId, contactId] = [leadIdOf(w, 0), contactIdOf(w, 0)];
    await w.fake.admin.setWebhookDelivery(false);
    await w.fake.admin.setLeadPrice({ leadId, price: 5000, now: w.now() });
    await w.fake.admin.editContact({ contactId, phone: '+79990001122', now: w.now() });
    await w.fake.admin.setWebhookDelivery(true);

    const both = webhookBody([
      ['leads.update', leadId],
      ['contacts.update', contactId],
    ]);
    const [delivery] = await w.fake.admin.deliverRaw(both);
    expect(JSON.parse(delivery.responseBody)).toEqual(QUEUED);
    w.nextMinute();
    expect(w.row(0)).toMatchObject({ budget: 5000, phone: '+79990001122' });

    w.rt.clock.advance(60_000);
    await w.fake.admin.setLeadPrice({ leadId, price: 6000, now: w.now() });
    w.nextMinute();
    expect(w.row(0)).toMatchObject({ budget: 6000, phone: '+79990001122' });
  });
});

describe('no pointless writes, no lost edits', () => {
  it("the echo of the script's own create and update writes nothing", async () => {
    const typed = {
      name: 'Ann Lee',
      phone: '8 (912) 345-67-89',
      email: 'Ann@Example.com',
      budget: '1 500',
    };
    w = await worldWithRows([typed], { fake: { apiChangeWebhooks: true } });
    const created = snapshot(w);
    const echoes = await w.fake.admin.deliverPending(w.now());
    expect(echoes.length).toBeGreaterThan(0);
    expect(echoes.map(d => JSON.parse(d.responseBody))).toEqual(
      echoes.map(() => expect.objectContaining({ ok: true, rows: 0 }))
    );
    w.nextMinute();
    expect(snapshot(w)).toBe(created);

    w.edit(2, 'budget', 2500);
    const edited = snapshot(w);
    const [echo] = await w.fake.admin.deliverPending(w.now());
    expect(JSON.parse(echo.responseBody)).toMatchObject({ ok: true, rows: 0 });
    expect(lastWebhook(w).result?.counters.spreadsheetWrites).toBe(0);
    const [applied] = w.nextMinute();
    expect(applied.counters.spreadsheetWrites).toBe(0);
    expect(snapshot(w)).toBe(edited);
    expect(w.row(0)).toMatchObject({ phone: '8 (912) 345-67-89', email: 'Ann@Example.com' });
  });

  it("a person's edit that could not be pushed yet survives a webhook, then reaches AmoCRM", async () => {
    w = await worldWithRows([ANN]);
    const leadId = leadIdOf(w, 0);
    await w.fake.admin.inject({
      match: { method: 'PATCH', path: '/api/v4/leads' },
      times: 'forever',
      action: { status: 503 },
    });
    w.edit(2, 'budget', 7000);
    expect(w.row(0).sync_status).toMatch(/^error/);
    await w.fake.admin.clearFaults();

    await w.fake.admin.setLeadStatus({ leadId, statusId: STATUS.talks.id, now: w.now() });
    w.nextMinute();
    expect(w.row(0)).toMatchObject({ budget: 7000, status: STATUS.talks.name });

    w.rt.clock.advance(10 * 60_000);
    w.rt.fireTimeTriggers();
    expect((await w.fake.admin.lead(leadId))?.price).toBe(7000);
    expect(w.row(0)).toMatchObject({ budget: 7000, status: STATUS.talks.name });
    expect(w.row(0).sync_status).toMatch(/^✓ synced/);
  });
});
