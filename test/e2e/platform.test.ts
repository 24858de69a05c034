// Issue 12, end to end through the bundle, with the runtime and the fake following the real
// platform's rules (sandbox/runtime/README.md, sandbox/amo-fake/README.md): getUrl() is /dev
// outside doGet/doPost, the web app answers 302, AmoCRM may count that as a failed delivery,
// triggers belong to their creator, people may withhold single scopes, and the AmoCRM user may
// not be an administrator.
import { START_STATUS, WEBHOOK_SECRET, World } from '../../sandbox/world';
import type { RunResult } from '../../sandbox/runtime';
import { QUEUED, STATUS, answerOf, lastWebhook, leadIdOf, worldWithRows } from './pull-helpers';

const OWNER = 'owner@example.com';
const EDITOR = 'editor@example.com';
const FETCH_SCOPE = 'https://www.googleapis.com/auth/script.external_request';
const MINUTE = 60_000;
const ANN = { name: 'Ann Lee', phone: '8 912 345-67-89', email: 'ann@example.com', budget: 1000 };

let w: World;

afterEach(async () => {
  await w?.stop();
});

async function leads() {
  return (await w.fake.admin.state()).leads.filter(l => !l.is_deleted);
}

async function destinations(): Promise<string[]> {
  return (await w.fake.admin.state()).webhooks.map(h => h.destination);
}

/** Minutes pass one by one (the 1-minute trigger fires) until `done`; how many it took. */
function minutesUntil(done: () => boolean, limit: number): number {
  for (let m = 1; m <= limit; m++) {
    w.nextMinute();
    if (done()) return m;
  }
  return Infinity;
}

describe('the webhook URL shown and subscribed ends in /exec in every flow', () => {
  it('is unknown (never /dev) until doGet runs, then the dialog, the menu and the background use /exec', async () => {
    w = await World.start({ webhooks: false });
    const web = await w.rt.startWebApp();
    const exec = `${web.url}?secret=${WEBHOOK_SECRET}`;
    w.run('installTriggers');

    // Outside doGet/doPost getUrl() is the /dev URL: the script shows none and says how.
    expect(w.run('settingsLoad').returned).toMatchObject({ webhookUrl: null });
    w.run('showWebhookUrl');
    expect(w.rt.ui.alerts.at(-1)?.prompt).toMatch(/open the web app URL .* once/);
    w.rt.clock.advance(61 * MINUTE);
    w.rt.fireTimeTriggers();
    expect(await destinations()).toEqual([]);

    // The person opens the web app URL once (doGet): from then on /exec everywhere.
    await fetch(web.url);
    expect(w.run('settingsLoad').returned).toMatchObject({ webhookUrl: exec });
    w.run('showWebhookUrl');
    expect(w.rt.ui.alerts.at(-1)?.prompt).toBe(exec);
    w.rt.clock.advance(61 * MINUTE);
    w.rt.fireTimeTriggers();
    expect(await destinations()).toEqual([exec]);
  });

  it('a delivery to the /exec URL teaches it too; the /dev URL never gets in', async () => {
    w = await World.start({ webhooks: false });
    const web = await w.rt.startWebApp();
    w.run('installTriggers');
    // Pasted into AmoCRM by hand, before anyone opened it.
    await w.fake.admin.addWebhook({
      destination: `${web.url}?secret=${WEBHOOK_SECRET}`,
      settings: ['add_lead'],
    });
    await w.fake.admin.createLead({ name: 'Walk-in', now: w.now() });
    expect(answerOf(lastWebhook(w))).toEqual(QUEUED);
    const shown = (w.run('settingsLoad').returned as { webhookUrl: string }).webhookUrl;
    expect(shown).toBe(`${web.url}?secret=${WEBHOOK_SECRET}`);
    expect(JSON.stringify(w.rt.properties.script.all())).not.toMatch(/\/dev\b/);
  });
});

describe('an AmoCRM that counts every 302 as a failed delivery', () => {
  it("brings a manager's status change to the row within 5 minutes; retries only re-read", async () => {
    w = await worldWithRows([ANN], { fake: { webhookFollowRedirects: false } });
    const leadId = leadIdOf(w, 0);
    const { deliveries } = await w.fake.admin.setLeadStatus({
      leadId,
      statusId: STATUS.talks.id,
      now: w.now(),
    });
    // Apps Script ran doPost, then answered 302: AmoCRM saw a failure.
    expect(deliveries.map(d => [d.status, d.ok])).toEqual([[302, false]]);
    expect(answerOf(lastWebhook(w))).toEqual(QUEUED);
    expect(minutesUntil(() => w.row(0).status === STATUS.talks.name, 5)).toBeLessThanOrEqual(2);

    // AmoCRM's retries at +5 and +15 minutes: queued again, applied as a re-read, no write.
    for (const after of [5, 20]) {
      const [retry] = await w.fake.admin.deliverDueRetries(deliveries[0].clock + after * MINUTE);
      expect(retry).toMatchObject({ attempt: after === 5 ? 2 : 3, status: 302 });
      w.rt.clock.set(deliveries[0].clock + after * MINUTE);
      const [run] = w.nextMinute();
      expect(run.counters.spreadsheetWrites).toBe(0);
      expect(w.row(0).status).toBe(STATUS.talks.name);
    }
    expect(await leads()).toHaveLength(1);
  });

  it('once AmoCRM switches the hook off, the dialog says so and polling brings changes within 5 minutes', async () => {
    w = await worldWithRows([ANN], { fake: { webhookFollowRedirects: false } });
    const leadId = leadIdOf(w, 0);
    const [{ destination }] = (await w.fake.admin.state()).webhooks;
    // More than 100 failed deliveries within two hours: AmoCRM switches the hook off.
    for (let i = 0; i < 101; i++) await w.fake.admin.deliverRaw('account%5Bsubdomain%5D=x');
    expect((await w.fake.admin.state()).webhooks[0]).toMatchObject({ destination, disabled: true });
    w.rt.clock.advance(31 * MINUTE); // the webhook's state is read every half hour
    w.rt.fireTimeTriggers();
    const state = w.run('webhookState').returned as Record<string, unknown>;
    expect(state).toMatchObject({ urlKnown: true, pullEveryMinutes: 5 });
    expect(state.disabled === true || state.restoredAt !== null).toBe(true);
    expect(String(state.summary)).toMatch(/every 5 minutes/);
    const view = w.run('settingsLoad').returned as { state: { lines: string[] } };
    expect(view.state.lines[0]).toMatch(
      state.disabled === true ? /^Webhook: switched off by AmoCRM/ : /^Webhook: subscribed/
    );

    await w.fake.admin.setWebhookDelivery(false); // nothing arrives any more
    await w.fake.admin.setLeadStatus({ leadId, statusId: STATUS.deciding.id, now: w.now() });
    expect(minutesUntil(() => w.row(0).status === STATUS.deciding.name, 5)).toBeLessThanOrEqual(5);
  });
});

describe('doPost answers within 2 virtual seconds whatever AmoCRM and the sheet do', () => {
  it('with every AmoCRM request hanging', async () => {
    w = await worldWithRows([ANN]);
    await w.fake.admin.inject({ match: { path: '^/api/v4/' }, times: 'forever', action: 'hang' });
    const [delivery] = await w.fake.admin.deliverRaw(
      `account%5Bsubdomain%5D=example&leads%5Bstatus%5D%5B0%5D%5Bid%5D=${leadIdOf(w, 0)}`
    );
    expect(delivery.ok).toBe(true);
    const run = lastWebhook(w).result as RunResult;
    expect(answerOf(lastWebhook(w))).toEqual(QUEUED);
    expect(run.counters.virtualMs).toBeLessThan(2000);
    expect(run.counters.httpRequests).toBe(0);
  });

  it('with a 20,000-row sheet', async () => {
    w = await worldWithRows([ANN]);
    const filler = Array.from({ length: 20_000 }, (_, i) => [`Person ${i}`, '', `p${i}@x.ru`]);
    w.rt.spreadsheet.setValues('Leads', 3, 1, filler);
    await w.fake.admin.setLeadStatus({
      leadId: leadIdOf(w, 0),
      statusId: STATUS.talks.id,
      now: w.now(),
    });
    const run = lastWebhook(w).result as RunResult;
    expect(answerOf(lastWebhook(w))).toEqual(QUEUED);
    expect(run.counters.virtualMs).toBeLessThan(2000);
    expect(run.counters.spreadsheetCalls).toBe(0);
  });
});

describe('another editor', () => {
  it("pressing Install triggers leaves one pair in total and says who runs them; takes over once the owner's stop", async () => {
    w = await World.start();
    expect(w.run('installTriggers').returned).toMatch(
      /Triggers installed: .*\(created 2, removed 0\)/
    );
    const again = w.rt.users.as(EDITOR, () => w.run('installTriggers'));
    expect(again.returned).toMatch(new RegExp(`installed by ${OWNER}.*nothing was created`));
    expect(w.rt.triggers.list.map(t => [t.owner, t.handler])).toEqual([
      [OWNER, 'handleEdit'],
      [OWNER, 'runBackgroundWork'],
    ]);
    // Every edit still syncs once: only the owner's on-edit trigger runs.
    expect(w.type([ANN]).map(r => r.fnName)).toEqual(['handleEdit']);
    expect(await leads()).toHaveLength(1);

    // The owner leaves; their triggers stop. After half an hour without a background run
    // the editor's Install triggers takes over.
    for (const t of w.rt.triggers.list) w.rt.triggers.remove(t.uid);
    w.rt.clock.advance(31 * MINUTE);
    const takeOver = w.rt.users.as(EDITOR, () => w.run('installTriggers'));
    expect(takeOver.returned).toMatch(new RegExp(`Took over .* from ${OWNER}`));
    expect(w.rt.triggers.list.map(t => t.owner)).toEqual([EDITOR, EDITOR]);
  });
});

describe('a permission left unticked at consent', () => {
  it('stops the job with a message that names it, without trying AmoCRM', async () => {
    w = await World.start();
    w.run('installTriggers');
    await w.fake.admin.resetRequests();
    w.rt.users.withhold(OWNER, FETCH_SCOPE);
    const sync = w.rt.run('syncNow');
    expect(sync.errorMessage).toMatch(/Permission missing/);
    expect(sync.errorMessage).toMatch(/"Connect to an external service"/);
    expect(sync.errorMessage).not.toMatch(/could not reach/i);
    expect(sync.counters.httpRequests).toBe(0);
    expect((await w.fake.admin.requests()).length).toBe(0);
  });

  it('the daily UrlFetch quota is neither retried nor called a network failure', async () => {
    w = await World.start({ runtime: { users: { urlFetchDailyQuota: 0 } } });
    w.run('installTriggers');
    w.rt.users.setUrlFetchQuota(1);
    w.rt.clock.advance(24 * 60 * MINUTE);
    w.rt.run('syncNow'); // spends the one call the day allows
    const [edit] = w.type([ANN]);
    expect(edit.counters.httpRequests).toBe(0);
    // Refused before sending: no back-off, no second attempt.
    expect(edit.counters.sleepMs).toBe(0);
    expect(edit.logs.join('\n')).not.toMatch(/trying again|attempt 2/);
    const status = String(w.row(0).sync_status);
    expect(status).toMatch(/daily limit/);
    expect(status).not.toMatch(/could not reach/i);
  });
});

describe('an AmoCRM user who is not an administrator', () => {
  it('syncs 3 typed rows with one lead each, and the dialog says webhooks need an admin', async () => {
    w = await World.start({ fake: { apiUserIsAdmin: false } });
    // Prepared: no line saying AmoCRM could not be checked.
    expect(w.run('installTriggers').returned).not.toMatch(/could not be checked/);
    w.type([
      ANN,
      { name: 'Boris', email: 'boris@example.com', budget: 2 },
      { name: 'Vera', email: 'vera@example.com', budget: 3 },
    ]);
    expect(w.rows().map(r => String(r.sync_status))).toEqual([
      expect.stringMatching(/^✓ synced/),
      expect.stringMatching(/^✓ synced/),
      expect.stringMatching(/^✓ synced/),
    ]);
    expect((await leads()).map(l => l.id).sort()).toEqual(
      w
        .rows()
        .map(r => Number(r.amo_deal_id))
        .sort()
    );
    w.rt.clock.advance(31 * MINUTE);
    w.rt.fireTimeTriggers();
    const state = w.run('webhookState').returned as Record<string, unknown>;
    expect(state).toMatchObject({ adminNeeded: true, pullEveryMinutes: 5 });
    expect(String(state.summary)).toMatch(/administrator/);
    // The Settings… dialog says it at the top.
    const view = w.run('settingsLoad').returned as { state: { lines: string[] } };
    expect(view.state.lines[0]).toBe(
      'Webhook: subscribing needs an AmoCRM administrator; the script pulls changes every 5 minutes instead'
    );
  });

  it('still makes one lead per row when a run dies right after AmoCRM created the leads', async () => {
    w = await World.start({ fake: { apiUserIsAdmin: false } });
    w.run('installTriggers');
    // Without the Sheet row ID field a lost create is recognised by its name among the leads
    // made since the claim, and linked instead of created again.
    await w.fake.admin.inject({ match: { path: '/api/v4/leads/complex' }, action: 'kill-after' });
    const [killed] = w.type([
      ANN,
      { name: 'Boris', email: 'boris@example.com', budget: 2 },
      { name: 'Vera', email: 'vera@example.com', budget: 3 },
    ]);
    expect(killed.killed).toBe(true);
    expect(await leads()).toHaveLength(3);
    w.rt.clock.advance(8 * MINUTE);
    w.rt.fireTimeTriggers();
    w.run('syncNow');
    const all = await leads();
    expect(all).toHaveLength(3);
    expect(
      w
        .rows()
        .map(r => Number(r.amo_deal_id))
        .sort()
    ).toEqual(all.map(l => l.id).sort());
    expect(w.rows().map(r => String(r.sync_status))).toEqual([
      expect.stringMatching(/^✓ synced/),
      expect.stringMatching(/^✓ synced/),
      expect.stringMatching(/^✓ synced/),
    ]);
  });
});

describe('an admin deletes the "Sheet row ID" field', () => {
  it('new rows sync again within minutes, with no person acting, one lead each', async () => {
    w = await World.start();
    w.run('installTriggers');
    w.type([ANN]);
    const fieldId = Number(w.rt.properties.script.get('SYNC_ROW_ID_FIELD'));
    expect(fieldId).toBeGreaterThan(0);
    await w.fake.admin.deleteCustomField(fieldId);

    w.type([{ name: 'Boris', email: 'boris@example.com', budget: 2 }]);
    expect(String(w.row(1).sync_status)).toMatch(/^error/);
    const took = minutesUntil(() => /^✓ synced/.test(String(w.row(1).sync_status)), 10);
    expect(took).toBeLessThanOrEqual(10);
    const all = await leads();
    expect(all).toHaveLength(2);
    expect(all.map(l => l.status_id)).toEqual([START_STATUS.id, START_STATUS.id]);
    expect(Number(w.rt.properties.script.get('SYNC_ROW_ID_FIELD'))).not.toBe(fieldId);
  });
});
