// What AmoCRM → sheet costs, measured with the runtime's counters on the executions the
// web-app front and the time-driven trigger ran: AmoCRM requests, Spreadsheet calls and
// virtual time per webhook, and per reconciliation run with nothing changed.
import type { Counters } from '../../sandbox/runtime';
import {
  answerOf,
  lastWebhook,
  leadIdOf,
  STATUS,
  webhookBody,
  World,
  worldWithRows,
} from './pull-helpers';

let w: World;

afterEach(async () => {
  await w?.stop();
});

function people(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    name: `Person ${i + 1}`,
    phone: `+7912000${String(i).padStart(4, '0')}`,
    email: `p${i + 1}@example.com`,
    budget: 100 + i,
  }));
}

/** Moves every linked lead without webhooks, then delivers one body naming them all. */
async function oneWebhookNaming(n: number): Promise<Counters> {
  const ids = Array.from({ length: n }, (_, i) => leadIdOf(w, i));
  await w.fake.admin.setWebhookDelivery(false);
  for (const leadId of ids) {
    await w.fake.admin.setLeadStatus({ leadId, statusId: STATUS.contract.id, now: w.now() });
  }
  await w.fake.admin.setWebhookDelivery(true);
  const [delivery] = await w.fake.admin.deliverRaw(
    webhookBody(ids.map(id => ['leads.status', id])),
    undefined,
    w.now()
  );
  expect(delivery.ok).toBe(true);
  expect(answerOf(lastWebhook(w))).toEqual({ ok: true, rows: n, queued: false, ignored: 0 });
  expect(new Set(w.rows().map(r => r.status))).toEqual(new Set([STATUS.contract.name]));
  return lastWebhook(w).result?.counters as Counters;
}

describe('one webhook', () => {
  it('naming 1 lead: 2 AmoCRM requests, 9 Spreadsheet calls, well under a second', async () => {
    w = await worldWithRows(people(1));
    const counters = await oneWebhookNaming(1);

    expect(counters.httpByEndpoint).toEqual({ 'GET /api/v4/leads': 1, 'GET /api/v4/contacts': 1 });
    // A snapshot without the lock (getDataRange + getValues) to learn which rows link what;
    // under the lock the sheet again with the memory notes (3), the status cell, the memory
    // note, and the flush before the lock goes. (A status is the script's own column: no
    // formula read; a budget is a person's, see below.)
    expect(counters.spreadsheetCalls).toBe(8);
    expect(counters.spreadsheetWrites).toBe(2);
    expect(counters.virtualMs).toBeLessThanOrEqual(1000);
  });

  it('a price change: 2 requests; one block per run of synced columns it touches', async () => {
    w = await worldWithRows(people(1));
    await w.fake.admin.setLeadPrice({ leadId: leadIdOf(w, 0), price: 777, now: w.now() });

    expect(w.row(0).budget).toBe(777);
    const counters = lastWebhook(w).result?.counters as Counters;
    expect(counters.httpRequests).toBe(2);
    // budget (D), sync_status (K) and its memory note: only the cells that change, never
    // the "Комментарий" column (E). Reads 2 + 3 + formulas 1, writes 3, flush 1.
    expect(counters.spreadsheetWrites).toBe(3);
    expect(counters.spreadsheetCalls).toBe(10);
  });

  it('after a quiet day of background runs, still 2 requests (status names stay cached)', async () => {
    w = await worldWithRows(people(1));
    const runs: number[] = [];
    for (let i = 0; i < 6 * 24; i++) {
      w.rt.clock.advance(10 * 60_000);
      runs.push(w.rt.fireTimeTriggers()[0].counters.httpRequests);
    }
    // The background runs pay for it instead: never more than 2 requests in a run, and 2 only
    // for the hourly webhook check and a status-name refresh every 5 hours or so.
    expect(Math.max(...runs.slice(1))).toBe(2);
    expect(runs.slice(1).filter(n => n === 2).length).toBeLessThanOrEqual(24 + 5);
    await w.fake.admin.setLeadStatus({
      leadId: leadIdOf(w, 0),
      statusId: STATUS.talks.id,
      now: w.now(),
    });

    expect(w.row(0).status).toBe(STATUS.talks.name);
    expect(lastWebhook(w).result?.counters.httpByEndpoint).toEqual({
      'GET /api/v4/leads': 1,
      'GET /api/v4/contacts': 1,
    });
  });

  it('naming 10 leads answers within about a second of virtual time', async () => {
    w = await worldWithRows(people(10));
    const counters = await oneWebhookNaming(10);

    expect(counters.httpRequests).toBe(2);
    expect(counters.virtualMs).toBeLessThanOrEqual(1000);
  });

  it('naming 50 leads: at most 3 AmoCRM requests, one block of statuses written', async () => {
    w = await worldWithRows(people(50));
    const counters = await oneWebhookNaming(50);

    expect(counters.httpRequests).toBeLessThanOrEqual(3);
    expect(counters.httpByEndpoint).toEqual({ 'GET /api/v4/leads': 1, 'GET /api/v4/contacts': 1 });
    // The same 8 calls as for one lead: the 50 status cells and 50 notes are two blocks.
    expect(counters.spreadsheetCalls).toBe(8);
    expect(counters.virtualMs).toBeLessThanOrEqual(1000);
  });

  it('naming only leads no row links: no AmoCRM request, the sheet read once', async () => {
    w = await worldWithRows(people(1));
    await w.fake.admin.deliverRaw(
      webhookBody([
        ['leads.status', 99],
        ['contacts.update', 98],
      ])
    );

    expect(answerOf(lastWebhook(w))).toMatchObject({ ok: true, rows: 0, ignored: 2 });
    const counters = lastWebhook(w).result?.counters as Counters;
    expect(counters.httpRequests).toBe(0);
    expect(counters.spreadsheetCalls).toBe(2);
  });
});

describe('reconciliation with nothing changed', () => {
  it('each time-driven run: 1 request, plus the webhook check once an hour', async () => {
    w = await worldWithRows(people(3));
    w.rt.clock.advance(10 * 60_000);
    w.rt.fireTimeTriggers(); // takes in the leads just created and checks the webhook
    const runs: Array<Record<string, number>> = [];
    for (let i = 0; i < 12; i++) {
      w.rt.clock.advance(10 * 60_000);
      const [run] = w.rt.fireTimeTriggers();
      expect(run.counters.spreadsheetWrites).toBe(0);
      runs.push(run.counters.httpByEndpoint);
    }

    const only = (endpoints: Record<string, number>) => runs.filter(r => equal(r, endpoints));
    expect(only({ 'GET /api/v4/leads': 1 })).toHaveLength(10);
    expect(only({ 'GET /api/v4/leads': 1, 'GET /api/v4/webhooks': 1 })).toHaveLength(2);
  });

  it('syncNow: changed and deleted leads, changed contacts, the webhook check; no sheet read', async () => {
    w = await worldWithRows(people(3));
    w.run('syncNow');
    w.rt.clock.advance(10 * 60_000);
    const sync = w.run('syncNow');

    expect(sync.counters.httpByEndpoint).toEqual({
      'GET /api/v4/leads': 2,
      'GET /api/v4/contacts': 1,
      'GET /api/v4/webhooks': 1,
    });
    // The push's own read of the sheet (getDataRange + getValues + the memory notes); the
    // pull reads nothing.
    expect(sync.counters.spreadsheetCalls).toBe(3);
  });
});

function equal(a: Record<string, number>, b: Record<string, number>): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}
