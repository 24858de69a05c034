// Limits: with 10,000 rows waiting (an import killed early, an edit of all of them while the
// lock is held) and 60+ webhook deliveries queued (the lock held while AmoCRM delivers), the
// script's state stays within Apps Script's quotas by design: every Script Property ≤ 9 KB
// (key and value), the store ≤ 500 KB, every cache value ≤ 100 KB — and it still heals.
import { MINUTE, people, placeRows, sheetMatchesAmo, startWorld, World } from './kit';

const KB = 1024;
const ROWS = 10_000;
const DELIVERIES = 65;

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** What is over a limit right now, in Script Properties and the three caches. */
function overLimits(w: World): string[] {
  const out: string[] = [];
  const props = w.rt.properties.script.all();
  let total = 0;
  for (const [key, value] of Object.entries(props)) {
    const size = bytes(key) + bytes(value);
    total += size;
    if (size > 9 * KB) out.push(`property ${key}: ${size} bytes`);
  }
  if (total > 500 * KB) out.push(`Script Properties hold ${total} bytes`);
  for (const kind of ['script', 'document', 'user'] as const) {
    for (const [key, value] of Object.entries(w.rt.cache[kind].all())) {
      if (bytes(value) > 100 * KB) out.push(`${kind} cache ${key}: ${bytes(value)} bytes`);
      if (key.length > 250) out.push(`${kind} cache key of ${key.length} characters`);
    }
  }
  return out;
}

function propsSize(w: World): number {
  return Object.entries(w.rt.properties.script.all()).reduce(
    (n, [k, v]) => n + bytes(k) + bytes(v),
    0
  );
}

let w: World;
const checkpoints: Array<[label: string, over: string[], size: number, keys: string[]]> = [];

function checkpoint(label: string): void {
  checkpoints.push([label, overLimits(w), propsSize(w), Object.keys(w.rt.properties.script.all())]);
}

beforeAll(async () => {
  w = await startWorld();
  // Three synced rows whose leads the manager keeps changing.
  const [edit] = w.type(people(3, 'hook'));
  expect(edit.error).toBeNull();
  placeRows(w, people(ROWS, 'big'), 5);
  w.rt.clock.advance(MINUTE);

  // The import dies right after its second batch of creates.
  await w.fake.admin.inject({
    match: { path: '/api/v4/leads/complex', nth: 2 },
    action: 'kill-after',
  });
  const imported = w.rt.run('importExistingRows');
  expect(imported.killed).toBe(true);
  await w.fake.admin.clearFaults();
  checkpoint('after the import was killed');

  // Another execution holds the lock: a person edits every row, AmoCRM delivers 65 webhooks.
  w.rt.locks.holdScriptLock();
  const all = w.rt.userEdit({
    sheet: 'Leads',
    row: 2,
    column: 4,
    values: Array.from({ length: ROWS + 3 }, (_, i) => [2000 + i]),
  });
  expect(all.every(r => r.error === null)).toBe(true);
  checkpoint('after an edit of 10,003 rows with the lock held');
  const leads = [0, 1, 2].map(i => Number(w.row(i).amo_deal_id));
  for (let i = 0; i < DELIVERIES; i++) {
    const { deliveries } = await w.fake.admin.setLeadPrice({
      leadId: leads[i % 3],
      price: 100 + i,
      now: w.now(),
    });
    expect(deliveries.every(d => d.ok)).toBe(true);
    w.rt.clock.advance(1000);
  }
  checkpoint(`after ${DELIVERIES} webhooks queued`);
  w.rt.locks.releaseHeld();

  // The background trigger works it off.
  for (let i = 0; i < 3; i++) {
    w.rt.clock.advance(7 * MINUTE);
    const run = w.rt.run('runBackgroundWork', { type: 'time' });
    expect(run.error).toBeNull();
    checkpoint(`after background run ${i + 1}`);
  }
}, 170_000);

afterAll(async () => {
  await w.stop();
});

it('every Script Property stays ≤ 9 KB, the store ≤ 500 KB, every cache value ≤ 100 KB', () => {
  expect(checkpoints.filter(([, over]) => over.length > 0)).toEqual([]);
});

it('the claim of the killed import does not list 10,000 ids', () => {
  const [, , size, keys] = checkpoints[0];
  expect(keys.filter(k => k.startsWith('SYNC_CLAIM_'))).toHaveLength(1);
  expect(size).toBeLessThan(20 * KB);
});

it('the webhook queue is bounded: at most 50 delivery keys, then one "pull everything" flag', () => {
  const [, , size, keys] = checkpoints.find(([label]) => label.includes('webhooks queued'))!;
  expect(keys.filter(k => k.startsWith('SYNC_PENDING_LEADS_')).length).toBeLessThanOrEqual(50);
  expect(keys).toContain('SYNC_PULL_ALL');
  expect(size).toBeLessThan(100 * KB);
});

it('every webhook was answered ok (queued), none refused or failed', () => {
  const posts = w.rt.webExecutions.filter(x => x.method === 'POST');
  expect(posts.length).toBeGreaterThanOrEqual(DELIVERIES);
  for (const p of posts)
    expect(JSON.parse(p.responseBody)).toEqual(expect.objectContaining({ ok: true }));
});

it("heals: one lead per row, the manager's last prices in the sheet, nothing left queued", async () => {
  const state = await w.fake.admin.state();
  const live = state.leads.filter(l => !l.is_deleted);
  const rows = w.rows();
  const linked = rows.filter(r => /^\d+$/.test(String(r.amo_deal_id)));
  expect(new Set(linked.map(r => r.amo_deal_id)).size).toBe(linked.length);
  expect(live.length).toBe(linked.length);
  expect(linked.length).toBe(ROWS + 3);
  // The three webhook rows: AmoCRM's latest price or the person's later edit, never a mix-up.
  for (let i = 0; i < 3; i++) {
    const lead = live.find(l => String(l.id) === String(rows[i].amo_deal_id));
    expect(Number(rows[i].budget)).toBe(lead?.price);
  }
  const props = Object.keys(w.rt.properties.script.all());
  expect(props.filter(k => /^SYNC_(PENDING|CLAIM|PULL_ALL)/.test(k))).toEqual([]);
  expect(await sheetMatchesAmo(w)).toEqual([]);
});
