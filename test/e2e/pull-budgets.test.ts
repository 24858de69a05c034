// What AmoCRM → sheet costs, measured with the runtime's counters on the executions the
// web-app front and the time-driven trigger ran: doPost only queues (no AmoCRM request, no
// sheet call), the next minute's run applies; AmoCRM requests, Spreadsheet calls and virtual
// time per webhook, per reconciliation run with nothing changed, and per idle minute.
import type { Counters } from '../../sandbox/runtime';
import {
  answerOf,
  lastWebhook,
  leadIdOf,
  QUEUED,
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

/** Requests of a run other than the webhook-state check (one GET every half hour). */
function syncRequests(c: Counters): number {
  return c.httpRequests - (c.httpByEndpoint['GET /api/v4/webhooks'] ?? 0);
}

/**
 * Moves every linked lead without webhooks, then delivers one body naming them all: doPost
 * only queues (no AmoCRM request, no sheet call), the next minute's run applies it.
 */
async function oneWebhookNaming(n: number): Promise<{ doPost: Counters; applied: Counters }> {
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
  expect(answerOf(lastWebhook(w))).toEqual(QUEUED);
  const doPost = lastWebhook(w).result?.counters as Counters;
  const [applied] = w.nextMinute();
  expect(new Set(w.rows().map(r => r.status))).toEqual(new Set([STATUS.contract.name]));
  return { doPost, applied: applied.counters };
}

/** What doPost costs whatever it names: one Script Properties read and two writes. */
function expectQueuedOnly(doPost: Counters): void {
  expect(doPost.httpRequests).toBe(0);
  expect(doPost.spreadsheetCalls).toBe(0);
  expect(doPost.propertiesCalls).toBeLessThanOrEqual(3);
  expect(doPost.virtualMs).toBeLessThan(2000);
}

describe('one webhook', () => {
  it('naming 1 lead: doPost asks nothing; the next run 2 AmoCRM requests, 2 writes', async () => {
    w = await worldWithRows(people(1));
    const { doPost, applied } = await oneWebhookNaming(1);

    expectQueuedOnly(doPost);
    expect(syncRequests(applied)).toBe(2);
    expect(applied.httpByEndpoint).toMatchObject({
      'GET /api/v4/leads': 1,
      'GET /api/v4/contacts': 1,
    });
    // The status cell and the row's memory note (only cells that change are written).
    expect(applied.spreadsheetWrites).toBe(2);
    expect(applied.virtualMs).toBeLessThanOrEqual(1000);
  });

  it('a price change: 2 requests; one block per run of synced columns it touches', async () => {
    w = await worldWithRows(people(1));
    await w.fake.admin.setLeadPrice({ leadId: leadIdOf(w, 0), price: 777, now: w.now() });
    expectQueuedOnly(lastWebhook(w).result?.counters as Counters);
    const [run] = w.nextMinute();

    expect(w.row(0).budget).toBe(777);
    expect(syncRequests(run.counters)).toBe(2);
    // budget (D) and the row's memory note: the "Комментарий" column (E) beside it is never
    // written, and a row already saying "synced" keeps that line.
    expect(run.counters.spreadsheetWrites).toBe(2);
  });

  it('after a quiet day of background runs, still 2 requests (status names stay cached)', async () => {
    w = await worldWithRows(people(1));
    const runs: number[] = [];
    for (let i = 0; i < 6 * 24; i++) {
      w.rt.clock.advance(10 * 60_000);
      runs.push(w.rt.fireTimeTriggers()[0].counters.httpRequests);
    }
    // Never more than 2 requests in a run, and 2 only for the webhook's state (every half
    // hour; the reconciliation's hourly check counts as one of them) and a status-name
    // refresh every 5 hours or so.
    expect(Math.max(...runs.slice(1))).toBe(2);
    expect(runs.slice(1).filter(n => n === 2).length).toBeLessThanOrEqual(48 + 5);
    await w.fake.admin.setLeadStatus({
      leadId: leadIdOf(w, 0),
      statusId: STATUS.talks.id,
      now: w.now(),
    });
    const [run] = w.nextMinute();

    expect(w.row(0).status).toBe(STATUS.talks.name);
    expect(run.counters.httpByEndpoint).toEqual({
      'GET /api/v4/leads': 1,
      'GET /api/v4/contacts': 1,
    });
  });

  it('naming 10 leads: doPost asks nothing; the next run 2 requests within a second', async () => {
    w = await worldWithRows(people(10));
    const { doPost, applied } = await oneWebhookNaming(10);

    expectQueuedOnly(doPost);
    expect(syncRequests(applied)).toBe(2);
    expect(applied.virtualMs).toBeLessThanOrEqual(1000);
  });

  it('naming 50 leads: the next run makes at most 3 AmoCRM requests, 2 blocks written', async () => {
    w = await worldWithRows(people(50));
    const { doPost, applied } = await oneWebhookNaming(50);

    expectQueuedOnly(doPost);
    expect(syncRequests(applied)).toBeLessThanOrEqual(3);
    // 50 status cells and 50 memory notes, each one block.
    expect(applied.spreadsheetWrites).toBe(2);
    expect(applied.virtualMs).toBeLessThanOrEqual(1000);
  });

  it('naming only leads no row links: nothing asked about them, nothing written', async () => {
    w = await worldWithRows(people(1));
    await w.fake.admin.deliverRaw(
      webhookBody([
        ['leads.status', 99],
        ['contacts.update', 98],
      ])
    );

    expect(answerOf(lastWebhook(w))).toEqual(QUEUED);
    expectQueuedOnly(lastWebhook(w).result?.counters as Counters);
    const [run] = w.nextMinute();
    expect(run.counters.httpByEndpoint['GET /api/v4/contacts']).toBeUndefined();
    expect(run.counters.spreadsheetWrites).toBe(0);
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
    // The webhook's state is read every half hour (the reconciliation's hourly check is one).
    expect(only({ 'GET /api/v4/leads': 1 })).toHaveLength(8);
    expect(only({ 'GET /api/v4/leads': 1, 'GET /api/v4/webhooks': 1 })).toHaveLength(4);
  });

  it('a minute with nothing to do reads Script Properties once and nothing else', async () => {
    w = await worldWithRows(people(3));
    w.rt.clock.advance(10 * 60_000);
    w.rt.fireTimeTriggers();
    const [idle] = w.nextMinute();
    expect(idle.returned).toBe('background: nothing to do');
    expect(idle.counters).toMatchObject({
      httpRequests: 0,
      spreadsheetCalls: 0,
      propertiesCalls: 1,
      cacheCalls: 0,
    });
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
