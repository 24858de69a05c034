// Issue 4, end to end: how the built bundle gets and keeps its AmoCRM access, run in the local
// Apps Script runtime against the AmoCRM fake over real HTTP. The authorization code is
// exchanged once; an expired access token is refreshed once, the rotated refresh token saved
// and the old one never sent again; two executions racing to refresh spend one refresh token;
// a 401 in the middle of a run is recovered; a long-lived token never touches /oauth2.
import { sha256Hex } from '../support/digest';
import { World } from '../../sandbox/world';
import type { RunResult } from '../../sandbox/runtime';

const HOUR_MS = 60 * 60 * 1000;
const ANN = { name: 'Ann Lee', phone: '8 912 345-67-89', email: 'ann@example.com', budget: 1500 };
const BOB = { name: 'Bob Roy', phone: '8 913 111-22-33', email: 'bob@example.com', budget: 700 };

interface Grant {
  status: number | null;
  body: Record<string, string>;
}

interface StoredTokens {
  access_token: string;
  refresh_token: string;
  expires_at: number;
  code_hash: string;
}

/** Every POST /oauth2/access_token the fake received, in order. */
async function grants(w: World): Promise<Grant[]> {
  return (await w.fake.admin.requests())
    .filter(r => r.path === '/oauth2/access_token')
    .map(r => ({ status: r.status, body: r.body as Record<string, string> }));
}

function stored(w: World): StoredTokens {
  const raw = w.rt.properties.script.get('AMO_TOKENS');
  if (raw === null) throw new Error('no AMO_TOKENS in Script Properties');
  return JSON.parse(raw) as StoredTokens;
}

/** The bearer token of every API request the script sends from now on. */
function recordBearers(w: World): string[] {
  const bearers: string[] = [];
  w.rt.hooks.afterFetch = req => {
    const auth = req.headers.Authorization ?? req.headers.authorization;
    if (auth) bearers.push(auth.replace(/^Bearer /, ''));
  };
  return bearers;
}

function expectSynced(row: Record<string, unknown>): void {
  expect(String(row.sync_status)).toMatch(/^✓ synced/);
  expect(String(row.amo_deal_id)).toMatch(/^\d+$/);
}

/** installTriggers, then a person types the rows (handleEdit syncs them). */
function setUp(w: World, rows: Array<Record<string, unknown>> = [ANN]): void {
  w.run('installTriggers');
  for (const r of w.type(rows)) expect(r.error).toBeNull();
}

describe('OAuth with an authorization code', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ oauth: true });
  });
  afterEach(async () => {
    await w.stop();
  });

  test('the code is exchanged once: later runs use the saved tokens, even with the cache gone', async () => {
    const code = w.rt.properties.script.get('AMO_AUTH_CODE') ?? '';
    setUp(w);
    w.rt.cache.evictAll();
    w.rt.clock.advance(60_000);
    const sync = w.run('syncNow');
    expect(sync.returned).toMatch(/^Created 0, updated 0, unchanged 1, errors 0/);
    w.rt.cache.evictAll();
    w.run('syncNow');

    const all = await grants(w);
    expect(all).toHaveLength(1);
    expect(all[0].body.grant_type).toBe('authorization_code');
    expect(all[0].status).toBe(200);
    expectSynced(w.row(0));
    // Tokens are kept in Script Properties; the code itself is never stored there.
    expect(stored(w).refresh_token).not.toBe('');
    expect(w.rt.properties.script.get('AMO_TOKENS')).not.toContain(code);
    // Only which code bought them: its SHA-256, by the platform's Utilities.computeDigest.
    expect(stored(w).code_hash).toBe(sha256Hex(code));
  });

  test('an access token AmoCRM expired is refreshed once; the new refresh token is saved and the old one never sent again', async () => {
    setUp(w);
    const first = stored(w);
    await w.fake.admin.expireAccessTokens(w.now());
    const bearers = recordBearers(w);

    const sync = w.run('syncNow');
    expect(sync.error).toBeNull();
    expect(sync.returned).toMatch(/errors 0/);
    const second = stored(w);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    // Every request after the renewal carries the new token.
    const renewedAt = bearers.indexOf(second.access_token);
    expect(renewedAt).toBeGreaterThan(-1);
    expect(bearers.slice(renewedAt).every(b => b === second.access_token)).toBe(true);

    // The next expiry spends the saved (second) refresh token, not the first one again.
    await w.fake.admin.expireAccessTokens(w.now());
    w.rt.clock.advance(60_000);
    for (const r of w.edit(2, 'budget', 2500)) expect(r.error).toBeNull();
    const third = stored(w);

    const refreshes = (await grants(w)).filter(g => g.body.grant_type === 'refresh_token');
    expect(refreshes.map(g => [g.status, g.body.refresh_token])).toEqual([
      [200, first.refresh_token],
      [200, second.refresh_token],
    ]);
    expect(third.refresh_token).not.toBe(second.refresh_token);
    // What the person sees: the edit reached AmoCRM.
    expectSynced(w.row(0));
    expect((await w.fake.admin.lead(Number(w.row(0).amo_deal_id)))?.price).toBe(2500);
  });

  test('past 24 h on the clock the token is renewed before use: AmoCRM never has to refuse it', async () => {
    setUp(w);
    const before = stored(w);
    w.rt.clock.advance(25 * HOUR_MS);
    await w.fake.admin.resetRequests();
    for (const r of w.type([BOB])) expect(r.error).toBeNull();

    const log = await w.fake.admin.requests();
    expect(log.filter(r => r.status === 401)).toHaveLength(0);
    expect(log[0].path).toBe('/oauth2/access_token');
    expect((await grants(w)).map(g => g.body.refresh_token)).toEqual([before.refresh_token]);
    expect(stored(w).refresh_token).not.toBe(before.refresh_token);
    expectSynced(w.row(1));
  });

  test('a 401 in the middle of a run is recovered: one refresh, the request sent again, one lead', async () => {
    setUp(w);
    await w.fake.admin.inject({
      match: { method: 'POST', path: '/api/v4/leads/complex' },
      action: { status: 401, body: { title: 'Unauthorized', status: 401 } },
    });
    const [edit] = w.type([BOB]);
    expect(edit.error).toBeNull();

    expectSynced(w.row(1));
    const complex = (await w.fake.admin.requests()).filter(r => r.path === '/api/v4/leads/complex');
    expect(complex.map(r => r.status)).toEqual([200, 401, 200]); // Ann's, then Bob's twice
    const refreshes = (await grants(w)).filter(g => g.body.grant_type === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    const leads = (await w.fake.admin.state()).leads.filter(l => l.name === 'Bob Roy');
    expect(leads).toHaveLength(1);
  });

  test('tokens revoked (integration switched off): the row says what to do, one refresh attempt, no loop', async () => {
    setUp(w);
    await w.fake.admin.revokeTokens();
    const [edit] = w.type([BOB]);
    expect(edit.error).toBeNull();
    expect(edit.counters.virtualMs).toBeLessThan(10_000);

    const status = String(w.row(1).sync_status);
    expect(status).toMatch(/^error/);
    expect(status).toContain('AMO_AUTH_CODE');
    const refreshes = (await grants(w)).filter(g => g.body.grant_type === 'refresh_token');
    expect(refreshes.map(g => g.status)).toEqual([400]);

    const sync = w.run('syncNow');
    const toasts = w.rt.ui.toasts.filter(t => t.executionId === sync.executionId);
    expect(toasts.map(t => t.message).join('\n')).toContain('AMO_AUTH_CODE');
  });
});

describe('two executions racing to refresh', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ oauth: true });
    setUp(w);
  });
  afterEach(async () => {
    w.rt.hooks.afterFetch = undefined;
    await w.stop();
  });

  /** Runs `fn` as a second execution from inside the first one's request matching `when`. */
  function nestOnce(
    when: (url: string, status: number) => boolean,
    around: { before?: () => void; after?: () => void; fn?: string } = {}
  ): { nested: () => RunResult } {
    let result: RunResult | null = null;
    let started = false;
    w.rt.hooks.afterFetch = (req, res) => {
      if (started || !when(req.url, res.status)) return;
      started = true;
      around.before?.();
      result = w.rt.run(around.fn ?? 'syncNow');
      around.after?.();
    };
    return {
      nested: () => {
        if (!result) throw new Error('the second execution never ran');
        return result;
      },
    };
  }

  test('the second refreshes while the first waits on a refused request: the first reuses the new token', async () => {
    const first = stored(w);
    await w.fake.admin.expireAccessTokens(w.now());
    // Both hold the expired token. The first is a person's edit (its requests go out without
    // the sheet lock); the second, the menu's Sync now, starts when the first's request comes
    // back 401, and renews. The cache is then emptied, so the first must find the new tokens
    // in Script Properties.
    const race = nestOnce((_url, status) => status === 401, {
      after: () => w.rt.cache.evictAll(),
    });
    const [outer] = w.type([BOB]);
    w.rt.hooks.afterFetch = undefined;

    expect(outer.error).toBeNull();
    const nested = race.nested();
    expect(nested.error).toBeNull();
    expect(nested.counters.httpByEndpoint['POST /oauth2/access_token']).toBe(1);
    expect(outer.counters.httpByEndpoint['POST /oauth2/access_token']).toBeUndefined();
    expectSynced(w.row(1));
    expect((await w.fake.admin.state()).leads.filter(l => l.name === 'Bob Roy')).toHaveLength(1);
    const refreshes = (await grants(w)).filter(g => g.body.grant_type === 'refresh_token');
    expect(refreshes.map(g => [g.status, g.body.refresh_token])).toEqual([
      [200, first.refresh_token],
    ]);
    // And the run after both still works with what was saved.
    const after = w.run('syncNow');
    expect(after.returned).toMatch(/errors 0/);
    expect((await grants(w)).filter(g => g.body.grant_type === 'refresh_token')).toHaveLength(1);
    expect(stored(w).refresh_token).not.toBe(first.refresh_token);
  });

  test('the second starts while the first is renewing under the lock: it spends nothing and leaves its work for later', async () => {
    const first = stored(w);
    // Both see the token as expired (inside the last minute of its 24 h).
    w.rt.clock.advance(24 * HOUR_MS - 30_000);
    const race = nestOnce(url => url.includes('/oauth2/access_token'), {
      before: () => w.rt.cache.evictAll(),
    });
    const outer = w.rt.run('syncNow');
    w.rt.hooks.afterFetch = undefined;

    expect(outer.error).toBeNull();
    expect(outer.returned).toMatch(/errors 0/);
    const nested = race.nested();
    expect(nested.error).toBeNull();
    expect(nested.counters.httpByEndpoint['POST /oauth2/access_token']).toBeUndefined();
    // It tells the person the work waits for a later run (the lock is busy, or the renewal
    // is someone else's), and no row is marked as failed.
    const told = w.rt.ui.toasts
      .filter(t => t.executionId === nested.executionId)
      .map(t => t.message)
      .join('\n');
    expect(told).toMatch(/pending [1-9]|renewing the AmoCRM access right now.*retried later/);
    expect(String(w.row(0).sync_status)).not.toMatch(/^error/);
    const refreshes = (await grants(w)).filter(g => g.body.grant_type === 'refresh_token');
    expect(refreshes.map(g => [g.status, g.body.refresh_token])).toEqual([
      [200, first.refresh_token],
    ]);
    // The run after both syncs with the saved tokens and spends no refresh token.
    w.rt.clock.advance(60_000);
    const after = w.run('syncNow');
    expect(after.returned).toMatch(/errors 0/);
    expect((await grants(w)).filter(g => g.body.grant_type === 'refresh_token')).toHaveLength(1);
  });
  test('a second execution that needs a token while the first renews it waits for the lock and spends nothing', async () => {
    const first = stored(w);
    w.rt.clock.advance(24 * HOUR_MS - 30_000);
    // installTriggers asks AmoCRM for the account straight away, so it reaches the token
    // renewal itself (a sync would stop earlier, at the busy sheet lock).
    const race = nestOnce(url => url.includes('/oauth2/access_token'), {
      before: () => w.rt.cache.evictAll(),
      fn: 'installTriggers',
    });
    const outer = w.rt.run('syncNow');
    w.rt.hooks.afterFetch = undefined;

    expect(outer.returned).toMatch(/errors 0/);
    const nested = race.nested();
    expect(nested.error).toBeNull();
    expect(nested.returned).toMatch(
      /AmoCRM could not be checked: Another run of the script is renewing the AmoCRM access right now/
    );
    expect(w.rt.triggers.list).toHaveLength(2);
    const refreshes = (await grants(w)).filter(g => g.body.grant_type === 'refresh_token');
    expect(refreshes.map(g => [g.status, g.body.refresh_token])).toEqual([
      [200, first.refresh_token],
    ]);
    w.rt.clock.advance(60_000);
    expect(w.run('installTriggers').returned).toMatch(
      /^The triggers were already installed[^\n]*$/
    );
    expect((await grants(w)).filter(g => g.body.grant_type === 'refresh_token')).toHaveLength(1);
  });
});

describe('a long-lived token', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ oauth: false });
  });
  afterEach(async () => {
    await w.stop();
  });

  test('never calls /oauth2, whatever the clock and the OAuth tokens do', async () => {
    setUp(w, [ANN, BOB]);
    w.run('syncNow');
    await w.fake.admin.expireAccessTokens(w.now());
    w.rt.clock.advance(25 * HOUR_MS);
    for (const r of w.edit(2, 'budget', 9900)) expect(r.error).toBeNull();
    w.rt.cache.evictAll();
    w.run('syncNow');

    const log = await w.fake.admin.requests();
    expect(log.length).toBeGreaterThan(5);
    expect(log.filter(r => r.path.startsWith('/oauth2'))).toEqual([]);
    expect(w.rt.properties.script.get('AMO_TOKENS')).toBeNull();
    expectSynced(w.row(0));
    expectSynced(w.row(1));
    expect((await w.fake.admin.lead(Number(w.row(0).amo_deal_id)))?.price).toBe(9900);
  });

  test('a revoked long-lived token ends in words the owner can act on, still without /oauth2', async () => {
    setUp(w);
    await w.fake.admin.revokeTokens();
    const [edit] = w.type([BOB]);
    expect(edit.error).toBeNull();

    const status = String(w.row(1).sync_status);
    expect(status).toMatch(/^error/);
    expect(status).toContain('AMO_LONG_LIVED_TOKEN');
    expect((await w.fake.admin.requests()).filter(r => r.path.startsWith('/oauth2'))).toEqual([]);
  });
});
