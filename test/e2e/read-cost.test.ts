// Cost that follows the work, not the sheet (issue 13), counted by the runtime on the built
// bundle: on a linked sheet ten times longer, a typed row, a webhook's run and a background
// run with nothing changed read the same cells (only a search of one id column grows with
// the sheet); a background run reads every row only when a retry is due or once an hour.
import { MAIN_PIPELINE } from '../../sandbox/amo-fake';
import type { Counters } from '../../sandbox/runtime';
import { SHEET, World } from '../../sandbox/world';
import { BIG_HEADERS, linkedSheet } from '../../bench/big-sheet';
import { sumCounters } from '../../bench/harness';

const CONTACTS = 200;
let w: World;

afterEach(async () => {
  await w?.stop();
});

async function linked(rows: number): Promise<World> {
  const world = await World.start({ headers: BIG_HEADERS });
  await linkedSheet(world, rows, CONTACTS);
  world.run('installTriggers');
  world.rt.clock.advance(10 * 60_000);
  world.run('runBackgroundWork');
  world.rt.clock.advance(10 * 60_000);
  return world;
}

function typeRow(world: World, i: number): Counters {
  const results = world
    .type([{ name: `New ${i}`, phone: `+7999000${1000 + i}`, email: `new${i}@example.com` }])
    .filter(r => r.fnName === 'handleEdit');
  expect(results.every(r => !r.error)).toBe(true);
  return sumCounters(results);
}

async function webhookRun(world: World, row: number): Promise<Counters> {
  const leadId = Number(world.rt.spreadsheet.records(SHEET)[row].amo_deal_id);
  await world.fake.admin.setLeadStatus({
    leadId,
    statusId: MAIN_PIPELINE.statuses[3].id,
    now: world.now(),
  });
  const [applied] = world.nextMinute();
  expect(world.rt.spreadsheet.records(SHEET)[row].status).toBe(MAIN_PIPELINE.statuses[3].name);
  return applied.counters;
}

describe('reads follow the work', () => {
  it('a typed row and a webhook read the same cells on 300 and on 3,000 rows', async () => {
    const figures: Array<{ typed: Counters; hook: Counters; rows: number }> = [];
    for (const rows of [300, 3000]) {
      w = await linked(rows);
      const typed = typeRow(w, rows);
      w.rt.clock.advance(10 * 60_000);
      w.run('runBackgroundWork');
      const hook = await webhookRun(w, Math.floor(rows / 2));
      figures.push({ typed, hook, rows });
      await w.stop();
    }
    const [small, big] = figures;
    expect(big.typed.cellsRead).toBe(small.typed.cellsRead);
    expect(big.hook.cellsRead).toBe(small.hook.cellsRead);
    // What grows is a search of one column, never the 30 columns of every row.
    expect(big.typed.cellsSearched).toBeLessThanOrEqual(big.rows + 2);
    expect(big.hook.cellsSearched).toBeLessThanOrEqual(big.rows + 2);
    expect(big.typed.httpRequests).toBe(small.typed.httpRequests);
  });

  it('a background run with nothing changed reads no row; an hour on, it scans every row', async () => {
    w = await linked(1000);
    const idle = w.run('runBackgroundWork', { type: 'time' });
    expect(idle.counters.cellsRead).toBe(0);
    w.rt.clock.advance(60 * 60_000);
    const hourly = w.run('runBackgroundWork', { type: 'time' });
    expect(hourly.counters.cellsRead).toBeGreaterThanOrEqual(1000 * BIG_HEADERS.length);
  });

  it('a row whose push failed is retried by the next background run', async () => {
    w = await linked(300);
    await w.fake.admin.inject({
      match: { method: 'POST', path: '/api/v4/leads/complex' },
      action: { status: 503 },
      times: 'forever',
    });
    typeRow(w, 1);
    const row = () => w.rt.spreadsheet.records(SHEET).find(r => r.name === 'New 1');
    expect(String(row()?.amo_deal_id ?? '')).toBe('');
    await w.fake.admin.clearFaults();
    w.rt.clock.advance(10 * 60_000);
    const retry = w.run('runBackgroundWork', { type: 'time' });
    expect(retry.error).toBeNull();
    expect(String(row()?.amo_deal_id ?? '')).not.toBe('');
  });
});
