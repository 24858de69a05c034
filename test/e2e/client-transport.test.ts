// Issue 4, end to end: how the built bundle behaves on the wire, run in the local Apps Script
// runtime against the AmoCRM fake over real HTTP. A burst of 100+ requests stays under
// AmoCRM's 7-per-second limit (no 429), also right after another execution; an injected 429
// (with retry_after), 502 or timeout is retried and the row still syncs; a persistent 500
// ends in an error the person can read, in bounded virtual time.
import { World } from '../../sandbox/world';

const SECOND = 1000;
const ANN = { name: 'Ann Lee', phone: '8 912 345-67-89', email: 'ann@example.com', budget: 1500 };

function expectSynced(row: Record<string, unknown>): void {
  expect(String(row.sync_status)).toMatch(/^✓ synced/);
  expect(String(row.amo_deal_id)).toMatch(/^\d+$/);
}

/** 50 rows with their own new phones; new emails, except the first rows take `emails`. */
function paste(batch: number, emails: string[] = []): Array<Record<string, unknown>> {
  return Array.from({ length: 50 }, (_, i) => ({
    name: `Client ${batch}-${i}`,
    phone: `8 9${10 + batch} ${String(100 + i)}-00-${String(10 + i).slice(-2)}`,
    email: emails[i] ?? `client${batch}.${i}@example.com`,
    budget: 1000 + i,
  }));
}

/** Existing contacts the first paste names by email: on the 2nd, 50th and last page. */
const KNOWN = [260, 12_345, 24_999];

describe('a burst of requests', () => {
  let w: World;
  const seeded: number[] = [];
  beforeAll(async () => {
    w = await World.start({ oauth: true });
    // An account with 25,000 contacts: a paste is matched against them by search (one
    // request per email and per phone) or by reading the whole list (100 pages).
    const contacts = Array.from({ length: 25_000 }, (_, i) => ({
      name: `Existing ${i}`,
      email: `existing${i}@example.org`,
    }));
    for (let i = 0; i < contacts.length; i += 5000) {
      const part = contacts.slice(i, i + 5000);
      seeded.push(...(await w.fake.admin.seed({ contacts: part, now: w.now() })).contactIds);
    }
    w.run('installTriggers');
  });
  afterAll(async () => {
    await w.stop();
  });

  test('two 50-row pastes in a row send 200+ requests, every one answered without a 429', async () => {
    const [first] = w.type(
      paste(
        1,
        KNOWN.map(n => `existing${n}@example.org`)
      )
    );
    // Pasted at once: the second edit trigger starts right as the first one ends.
    const [second] = w.type(paste(2));

    for (const run of [first, second]) {
      expect(run.error).toBeNull();
      expect(run.killed).toBe(false);
      expect(run.counters.httpRequests).toBeGreaterThanOrEqual(100);
    }
    // The second paste looks up its 50 emails and 50 phones side by side: 100 searches.
    expect(second.counters.httpByEndpoint['GET /api/v4/contacts']).toBeGreaterThanOrEqual(100);
    const stats = await w.fake.admin.rateLimitStats();
    expect(stats).toMatchObject({ limited: 0, blocked: 0 });
    const log = await w.fake.admin.requests();
    expect(log.filter(r => r.status === 429 || r.rateLimited)).toEqual([]);
    // Paced, not stalled: 7 a second at most, and well inside one execution.
    for (const run of [first, second]) {
      const seconds = run.counters.virtualMs / SECOND;
      expect(seconds).toBeGreaterThanOrEqual(run.counters.httpRequests / 7 - 1);
      expect(seconds).toBeLessThan(60);
    }
    // What the person sees: all hundred rows linked to their own new lead and contact.
    const rows = w.rows();
    expect(rows).toHaveLength(100);
    rows.forEach(expectSynced);
    expect(new Set(rows.map(r => r.amo_deal_id)).size).toBe(100);
    expect(new Set(rows.map(r => r.amo_contact_id)).size).toBe(100);
    // The rows that name an existing contact's email are linked to it: no second contact.
    expect(rows.slice(0, 3).map(r => Number(r.amo_contact_id))).toEqual(KNOWN.map(n => seeded[n]));
    const state = await w.fake.admin.state();
    expect(state.leads).toHaveLength(100);
    expect(state.contacts).toHaveLength(25_000 + 97);
  });

  test('Sync now right after the pastes stays under the limit too', async () => {
    const sync = w.run('syncNow');
    expect(sync.returned).toMatch(/errors 0/);
    expect(await w.fake.admin.rateLimitStats()).toMatchObject({ limited: 0, blocked: 0 });
  });
});

describe('injected faults are retried and the row still syncs', () => {
  let w: World;
  afterEach(async () => {
    await w.stop();
  });

  async function start(fetchTimeoutMs?: number): Promise<void> {
    w = await World.start({ oauth: true, runtime: fetchTimeoutMs ? { fetchTimeoutMs } : {} });
    w.run('installTriggers');
    await w.fake.admin.resetRequests();
  }

  async function calls(path: string): Promise<Array<{ status: number | null; clock: number }>> {
    return (await w.fake.admin.requests())
      .filter(r => r.path === path)
      .map(r => ({ status: r.status, clock: r.clock }));
  }

  test('429 with retry_after: the create waits as asked, is sent again and makes one lead', async () => {
    await start();
    await w.fake.admin.inject({
      match: { method: 'POST', path: '/api/v4/leads/complex' },
      action: { status: 429, retryAfter: 3 },
    });
    const [edit] = w.type([ANN]);
    expect(edit.error).toBeNull();

    expectSynced(w.row(0));
    const creates = await calls('/api/v4/leads/complex');
    expect(creates.map(c => c.status)).toEqual([429, 200]);
    expect(creates[1].clock - creates[0].clock).toBeGreaterThanOrEqual(3 * SECOND);
    expect((await w.fake.admin.state()).leads).toHaveLength(1);
  });

  test('502 twice on the contact search: retried, then the row syncs', async () => {
    await start();
    await w.fake.admin.inject({
      match: { method: 'GET', path: '/api/v4/contacts' },
      times: 2,
      action: { status: 502, body: '<html>502 Bad Gateway</html>' },
    });
    const [edit] = w.type([ANN]);
    expect(edit.error).toBeNull();

    expectSynced(w.row(0));
    const searches = await calls('/api/v4/contacts');
    expect(searches.filter(s => s.status === 502)).toHaveLength(2);
    expect(searches.filter(s => s.status !== 502).length).toBeGreaterThanOrEqual(2);
    expect((await w.fake.admin.state()).leads).toHaveLength(1);
  });

  test('a request that hangs times out and is sent again; the row syncs', async () => {
    await start(300);
    await w.fake.admin.inject({
      match: { method: 'GET', path: '/api/v4/contacts' },
      action: 'hang',
    });
    const [edit] = w.type([ANN]);
    expect(edit.error).toBeNull();
    expect(edit.killed).toBe(false);

    expectSynced(w.row(0));
    const searches = await calls('/api/v4/contacts');
    expect(searches.filter(s => s.status === null)).toHaveLength(1); // the hung one
    expect(searches.filter(s => s.status !== null).length).toBeGreaterThanOrEqual(2);
    // One timeout is charged as a minute of virtual time; the run still ends well in time.
    expect(edit.counters.virtualMs).toBeLessThan(2 * 60 * SECOND);
  });

  test('AmoCRM hanging for the whole run: the edit gives up in time and says so on the row', async () => {
    await start(300);
    await w.fake.admin.inject({
      match: { path: '^/api/v4/' },
      times: 'forever',
      action: 'hang',
    });
    const [edit] = w.type([ANN]);
    // Every try costs a minute of virtual time: the run must stop trying before Apps Script
    // kills it at 6 minutes (a kill would leave the row at "syncing…").
    expect(edit.killed).toBe(false);
    expect(edit.error).toBeNull();
    expect(edit.counters.virtualMs).toBeLessThan(6 * 60 * SECOND);
    const status = String(w.row(0).sync_status);
    expect(status).toMatch(/^error/);
    expect(status).toContain('Could not reach AmoCRM');
    // The two searches of the row went out together on each try, not one after the other.
    const searches = await calls('/api/v4/contacts');
    expect(new Set(searches.map(s => s.clock)).size).toBe(searches.length / 2);
  });

  test('a run already two minutes in does not start a try it could not finish before the limit', async () => {
    await start(300);
    for (const r of w.type([ANN])) expect(r.error).toBeNull();
    await w.fake.admin.inject({
      match: { method: 'GET', path: '/api/v4/webhooks' },
      times: 'forever',
      action: 'hang',
    });
    // The run's first answer comes after two minutes (slow work before it), then the webhook
    // check hangs: each try costs a minute.
    let late = false;
    w.rt.hooks.afterFetch = () => {
      if (late) return;
      late = true;
      w.rt.clock.advance(2 * 60 * SECOND);
    };
    const sync = w.rt.run('syncNow');
    w.rt.hooks.afterFetch = undefined;

    expect(sync.killed).toBe(false);
    expect(sync.error).toBeNull();
    expect(sync.counters.virtualMs).toBeLessThan(6 * 60 * SECOND);
    const told = w.rt.ui.toasts
      .filter(t => t.executionId === sync.executionId)
      .map(t => t.message)
      .join('\n');
    expect(told).toMatch(/AmoCRM did not answer in time/);
    expectSynced(w.row(0));
  });

  test('a persistent 500 ends in a readable error on the row and in the toast, not a hang', async () => {
    await start();
    await w.fake.admin.inject({
      match: { path: '^/api/v4/' },
      times: 'forever',
      action: { status: 500, body: { title: 'Internal Server Error', status: 500 } },
    });
    const [edit] = w.type([ANN]);
    expect(edit.error).toBeNull();
    expect(edit.killed).toBe(false);
    expect(edit.counters.virtualMs).toBeLessThan(60 * SECOND);

    const status = String(w.row(0).sync_status);
    expect(status).toMatch(/^error/);
    expect(status).toContain('500');
    expect(w.row(0).amo_deal_id).toBe('');

    const sync = w.run('syncNow');
    expect(sync.killed).toBe(false);
    expect(sync.counters.virtualMs).toBeLessThan(60 * SECOND);
    const toasts = w.rt.ui.toasts
      .filter(t => t.executionId === sync.executionId)
      .map(t => t.message);
    expect(toasts.join('\n')).toMatch(/AmoCRM kept failing \(500\)/);
    // Bounded: a handful of attempts per call, not a loop.
    expect((await w.fake.admin.requests()).length).toBeLessThan(40);
  });
});
