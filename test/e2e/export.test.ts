// Issue 15, exportLeads end to end on the built bundle: every lead of the chosen pipelines that
// no row links becomes one row (leads that existed before the setting was turned on included);
// 5,000 leads take at most 2 runs and at most 0.03 AmoCRM requests per lead; a second export
// adds nothing; an export killed between two batches is finished by the next minute's
// background run with one row per lead.
import { existingLeads } from '../../bench/data';
import { admin } from '../../bench/harness';
import { MAIN_PIPELINE, SECOND_PIPELINE } from '../../sandbox/amo-fake';
import type { RunResult } from '../../sandbox/runtime';
import { STATUS, World, worldWithRows } from './pull-helpers';

const ANN = { name: 'Ann Lee', phone: '8 912 345-67-89', email: 'ann@example.com', budget: 1000 };
const MAIN_STATUSES = [STATUS.first.id, STATUS.talks.id, STATUS.deciding.id];

let w: World;

afterEach(async () => {
  delete w?.rt.hooks.atBoundary;
  delete w?.rt.hooks.afterFetch;
  await w?.stop();
});

async function seedLeads(count: number, pipelineId = MAIN_PIPELINE.id, statusIds = MAIN_STATUSES) {
  const data = existingLeads(count, pipelineId, statusIds, count);
  return admin(() => w.fake.admin.seed({ ...data, now: w.now() }));
}

/** Each lead id → how many rows link it. */
function rowsPerLead(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of w.rows()) {
    const id = String(row.amo_deal_id);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function requestsOf(runs: RunResult[]): number {
  return runs.reduce((sum, r) => sum + r.counters.httpRequests, 0);
}

describe('exportLeads', () => {
  it('adds a row for each lead of the chosen pipelines that no row links; a second run adds nothing', async () => {
    w = await worldWithRows([ANN], { fake: { pipelines: [MAIN_PIPELINE, SECOND_PIPELINE] } });
    const main = await seedLeads(5);
    const other = await seedLeads(2, SECOND_PIPELINE.id, [SECOND_PIPELINE.statuses[1].id]);
    w.rt.properties.script.set('IMPORT_PIPELINES', String(MAIN_PIPELINE.id));

    const first = w.run('exportLeads');
    expect(first.returned).toMatch(/^Added 5 rows/);
    const perLead = rowsPerLead();
    expect(w.rows()).toHaveLength(6);
    for (const id of main.leadIds) expect(perLead.get(String(id))).toBe(1);
    for (const id of other.leadIds) expect(perLead.has(String(id))).toBe(false);
    const lead = await w.fake.admin.lead(main.leadIds[1]);
    const row = w.rows().find(r => r.amo_deal_id === String(main.leadIds[1]));
    expect(row).toEqual(
      expect.objectContaining({
        budget: lead?.price || '',
        status: STATUS.talks.name,
        amo_link: `${w.fake.url}/leads/detail/${main.leadIds[1]}`,
      })
    );
    expect(String(row?.name)).not.toBe('');
    expect(String(row?.phone)).toMatch(/^\+7 \(9\d\d\) \d{3}-\d\d-\d\d$/);

    const second = w.run('exportLeads');
    expect(second.returned).toMatch(/nothing to add/);
    expect(second.counters.spreadsheetWrites).toBe(0);
    expect(w.rows()).toHaveLength(6);
  });

  it('speaks Russian on a Russian sheet', async () => {
    w = await worldWithRows([ANN]);
    await seedLeads(3);
    w.rt.properties.script.set('UI_LANGUAGE', 'ru');

    expect(w.run('exportLeads').returned).toMatch(/^Добавлено строк для сделок AmoCRM.*: 3\.$/);
    expect(w.run('exportLeads').returned).toMatch(/добавлять нечего/);
  });

  it('takes 5,000 leads in at most 2 runs and at most 0.03 requests per lead; a second export adds nothing', async () => {
    w = await worldWithRows([]);
    const seeded = await seedLeads(5000);

    const runs: RunResult[] = [w.run('exportLeads')];
    while (w.rt.properties.script.get('SYNC_EXPORT_PROGRESS') !== null && runs.length < 3) {
      runs.push(w.run('exportLeads'));
    }
    expect(runs.length).toBeLessThanOrEqual(2);
    expect(runs.every(r => !r.killed)).toBe(true);
    const perLead = rowsPerLead();
    expect(w.rows()).toHaveLength(5000);
    expect(seeded.leadIds.every(id => perLead.get(String(id)) === 1)).toBe(true);
    expect(requestsOf(runs) / 5000).toBeLessThanOrEqual(0.03);

    const again = w.run('exportLeads');
    expect(again.returned).toMatch(/nothing to add/);
    expect(w.rows()).toHaveLength(5000);
  });

  it('stops before the 6-minute limit when AmoCRM is slow, says so, and the background run finishes it', async () => {
    w = await worldWithRows([]);
    const seeded = await seedLeads(2400);
    // AmoCRM takes 4.5 minutes to answer the first contact read: no second batch may start.
    let slowed = false;
    w.rt.hooks.afterFetch = request => {
      if (slowed || !/\/api\/v4\/contacts\?/.test(request.url)) return;
      slowed = true;
      w.rt.clock.advance(4.5 * 60_000);
    };

    const first = w.run('exportLeads');
    delete w.rt.hooks.afterFetch;
    expect(first.killed).toBe(false);
    expect(first.returned).toMatch(/^Added 1000 rows \(1000 so far\); the background run/);
    expect(w.rows()).toHaveLength(1000);

    w.nextMinute();
    const perLead = rowsPerLead();
    expect(w.rows()).toHaveLength(2400);
    expect(seeded.leadIds.every(id => perLead.get(String(id)) === 1)).toBe(true);
    const log = w.rt.spreadsheet.values('AmoCRM log').flat().map(String);
    expect(log.some(cell => /^Added 1400 more rows; 2400 rows for AmoCRM leads/.test(cell))).toBe(
      true
    );
  });

  it('killed after writing a batch but before saving where it got, is finished by the next background run', async () => {
    w = await worldWithRows([]);
    const seeded = await seedLeads(2400);
    // The second save of the export's progress never happens: the run dies right before it.
    let saves = 0;
    w.rt.hooks.atBoundary = info => {
      if (info.method !== 'Properties.setProperty' || info.phase !== 'before') return;
      if (++saves === 2) return { fault: 'kill', reason: 'killed between two batches' };
      return undefined;
    };

    const killed = w.rt.run('exportLeads');
    delete w.rt.hooks.atBoundary;
    expect(killed.killed).toBe(true);
    expect(w.rows()).toHaveLength(2000);

    w.nextMinute();
    const perLead = rowsPerLead();
    expect(w.rows()).toHaveLength(2400);
    expect(seeded.leadIds.every(id => perLead.get(String(id)) === 1)).toBe(true);
    expect(w.rt.properties.script.get('SYNC_EXPORT_PROGRESS')).toBeNull();
  });
});
