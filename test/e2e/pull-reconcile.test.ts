// The safety net behind webhooks: what AmoCRM changed while its webhooks were lost arrives
// through syncNow and the time-driven trigger; webhook work that could not be done at once
// (the lock busy, AmoCRM slow) is queued, bounded, and applied by the trigger; a webhook
// subscription AmoCRM switched off is switched back on.
import {
  answerOf,
  contactIdOf,
  lastWebhook,
  leadIdOf,
  snapshot,
  STATUS,
  webhookBody,
  World,
  worldWithRows,
} from './pull-helpers';

const ANN = { name: 'Ann Lee', phone: '8 912 345-67-89', email: 'ann@example.com', budget: 1000 };
const BORIS = { name: 'Boris Orlov', phone: '+7 903 111-22-33', email: 'boris@example.com' };
const TEN_MINUTES = 10 * 60_000;

let w: World;

afterEach(async () => {
  await w?.stop();
});

function pendingKeys(): string[] {
  return w.rt.properties.script.keys().filter(k => k.startsWith('SYNC_PENDING_LEADS_'));
}

/** Fires the time-driven trigger every 10 minutes, at most `runs` times, until `done`. */
function backgroundRunsUntil(done: () => boolean, runs: number): number {
  for (let run = 1; run <= runs; run++) {
    w.rt.clock.advance(TEN_MINUTES);
    const [result] = w.rt.fireTimeTriggers();
    expect(result.fnName).toBe('runBackgroundWork');
    expect(result.error).toBeNull();
    if (done()) return run;
  }
  return Infinity;
}

describe('changes made while webhooks were lost', () => {
  beforeEach(async () => {
    w = await worldWithRows([ANN, BORIS]);
    await w.fake.admin.setWebhookDelivery(false);
  });

  it('a status change arrives through syncNow', async () => {
    await w.fake.admin.setLeadStatus({
      leadId: leadIdOf(w, 0),
      statusId: STATUS.talks.id,
      now: w.now(),
    });
    expect(w.row(0).status).toBe(STATUS.first.name);

    w.rt.clock.advance(60_000);
    const sync = w.run('syncNow');

    expect(sync.returned).toMatch(/rows updated from AmoCRM 1\b/);
    expect(w.row(0).status).toBe(STATUS.talks.name);
    expect(w.row(1).status).toBe(STATUS.first.name);
  });

  it('a price change arrives through the next run of the time-driven trigger', async () => {
    await w.fake.admin.setLeadPrice({ leadId: leadIdOf(w, 1), price: 4200, now: w.now() });
    expect(w.row(1).budget).toBe('');

    expect(backgroundRunsUntil(() => w.row(1).budget === 4200, 1)).toBe(1);
  });

  it('a deleted lead is found by syncNow', async () => {
    await w.fake.admin.deleteLead({ leadId: leadIdOf(w, 1), now: w.now() });
    w.rt.clock.advance(60_000);
    w.run('syncNow');

    expect(w.row(1).sync_status).toMatch(/^deleted/);
    expect(w.row(1).name).toBe(BORIS.name);
    expect(w.row(0).sync_status).toMatch(/^✓ synced/);
  });

  it("a contact's new phone arrives through syncNow", async () => {
    await w.fake.admin.editContact({
      contactId: contactIdOf(w, 0),
      phone: '+79990001122',
      now: w.now(),
    });
    w.rt.clock.advance(60_000);
    w.run('syncNow');

    expect(w.row(0).phone).toBe('+79990001122');
  });

  it('syncNow run again writes nothing more', async () => {
    await w.fake.admin.setLeadPrice({ leadId: leadIdOf(w, 0), price: 1, now: w.now() });
    w.rt.clock.advance(60_000);
    w.run('syncNow');
    const synced = snapshot(w);
    w.rt.clock.advance(60_000);
    const again = w.run('syncNow');

    expect(again.counters.spreadsheetWrites).toBe(0);
    expect(snapshot(w)).toBe(synced);
  });
});

describe('a webhook subscription AmoCRM switched off', () => {
  let destination: string;

  beforeEach(async () => {
    w = await worldWithRows([ANN, BORIS]);
    destination = (await w.fake.admin.state()).webhooks[0].destination;
    await w.fake.admin.setWebhookDisabled(destination, true);
  });

  it('is switched back on by the next time-driven run, and webhooks arrive again', async () => {
    const lost = await w.fake.admin.setLeadPrice({
      leadId: leadIdOf(w, 0),
      price: 2,
      now: w.now(),
    });
    expect(lost.deliveries).toEqual([]);

    w.rt.clock.advance(TEN_MINUTES);
    const [run] = w.rt.fireTimeTriggers();

    expect(run.counters.httpByEndpoint['POST /api/v4/webhooks']).toBe(1);
    expect((await w.fake.admin.state()).webhooks[0]).toMatchObject({
      destination,
      disabled: false,
    });
    expect(w.row(0).budget).toBe(2);
    const next = await w.fake.admin.setLeadPrice({
      leadId: leadIdOf(w, 0),
      price: 3,
      now: w.now(),
    });
    expect(next.deliveries.map(d => d.ok)).toEqual([true]);
    w.nextMinute();
    expect(w.row(0).budget).toBe(3);
  });

  it('the run that switches it back on also catches up on contacts and deletions', async () => {
    await w.fake.admin.editContact({
      contactId: contactIdOf(w, 0),
      phone: '+79990001122',
      now: w.now(),
    });
    await w.fake.admin.deleteLead({ leadId: leadIdOf(w, 1), now: w.now() });

    expect(backgroundRunsUntil(() => w.row(0).phone === '+79990001122', 1)).toBe(1);
    expect(w.row(1).sync_status).toMatch(/^deleted/);
  });

  it('the catch-up reaches back to the last one, hours if need be', async () => {
    await w.fake.admin.setWebhookDisabled(destination, false);
    backgroundRunsUntil(() => false, 1);
    await w.fake.admin.setWebhookDelivery(false); // lost, with the subscription still on
    await w.fake.admin.editContact({
      contactId: contactIdOf(w, 0),
      phone: '+79990001122',
      now: w.now(),
    });
    backgroundRunsUntil(() => false, 18); // three hours of runs do not see contacts
    expect(w.row(0).phone).toBe(ANN.phone);

    await w.fake.admin.setWebhookDisabled(destination, true);
    expect(backgroundRunsUntil(() => w.row(0).phone === '+79990001122', 6)).toBeLessThan(7);
  });

  it('a catch-up the lock prevented is done by the next run', async () => {
    await w.fake.admin.editContact({
      contactId: contactIdOf(w, 0),
      phone: '+79990001122',
      now: w.now(),
    });
    w.rt.locks.holdScriptLock();
    w.rt.clock.advance(TEN_MINUTES);
    w.rt.fireTimeTriggers();
    w.rt.locks.releaseHeld();
    expect(w.row(0).phone).toBe(ANN.phone);

    expect(backgroundRunsUntil(() => w.row(0).phone === '+79990001122', 1)).toBe(1);
  });
});

describe('webhook work that cannot be done at once', () => {
  it('while another execution holds the lock, the ids are queued and the trigger applies them', async () => {
    w = await worldWithRows([ANN]);
    w.rt.locks.holdScriptLock();
    const before = snapshot(w);
    await w.fake.admin.setLeadStatus({
      leadId: leadIdOf(w, 0),
      statusId: STATUS.deciding.id,
      now: w.now(),
    });

    expect(answerOf(lastWebhook(w))).toMatchObject({ ok: true, queued: true });
    // AmoCRM is read before the lock is asked for (reads never wait for the lock).
    expect(lastWebhook(w).result?.counters.httpRequests).toBeLessThanOrEqual(2);
    expect(snapshot(w)).toBe(before);
    expect(pendingKeys()).toHaveLength(1);

    w.rt.locks.releaseHeld();
    expect(backgroundRunsUntil(() => w.row(0).status === STATUS.deciding.name, 1)).toBe(1);
    expect(pendingKeys()).toEqual([]);
  });

  it('when AmoCRM answers slowly, the ids are queued within the 2-second wait', async () => {
    w = await worldWithRows([ANN]);
    w.rt.hooks.afterFetch = (request, _response, execution) => {
      if (execution.fnName === 'doPost' && request.url.includes('/api/v4/leads')) {
        w.rt.clock.advance(1500);
      }
    };
    const { deliveries } = await w.fake.admin.setLeadPrice({
      leadId: leadIdOf(w, 0),
      price: 9000,
      now: w.now(),
    });
    w.rt.hooks.afterFetch = undefined;

    expect(deliveries.map(d => d.ok)).toEqual([true]);
    expect(answerOf(lastWebhook(w))).toMatchObject({ ok: true, queued: true });
    expect(lastWebhook(w).result?.counters.virtualMs).toBeLessThan(2000);
    expect(w.row(0).budget).toBe(1000);
    expect(pendingKeys()).toHaveLength(1);

    expect(backgroundRunsUntil(() => w.row(0).budget === 9000, 1)).toBe(1);
    expect(pendingKeys()).toEqual([]);
  });

  it('the queue is bounded: past 50 deliveries one "pull every row" flag stands for them', async () => {
    w = await worldWithRows([ANN, BORIS]);
    w.rt.locks.holdScriptLock();
    for (let i = 0; i < 55; i++) {
      const [delivery] = await w.fake.admin.deliverRaw(
        webhookBody([['leads.update', leadIdOf(w, i % 2)]])
      );
      expect(JSON.parse(delivery.responseBody)).toMatchObject({ ok: true, queued: true });
    }
    expect(pendingKeys()).toHaveLength(50);
    expect(w.rt.properties.script.get('SYNC_PULL_ALL')).toBe('1');
    await w.fake.admin.setWebhookDelivery(false);
    await w.fake.admin.setLeadPrice({ leadId: leadIdOf(w, 1), price: 5, now: w.now() });
    w.rt.locks.releaseHeld();

    expect(backgroundRunsUntil(() => w.row(1).budget === 5, 1)).toBe(1);
    expect(pendingKeys()).toEqual([]);
    expect(w.rt.properties.script.get('SYNC_PULL_ALL')).toBeNull();
  });
});
