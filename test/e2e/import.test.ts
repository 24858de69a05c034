// Issue 7, end to end on the built bundle: 2,000 rows (10% of them people AmoCRM already
// knows) imported while executions die — one killed right after a /leads/complex request was
// processed (the leads exist, the sheet never heard of them), one stopped by the 6-minute
// limit after AmoCRM stalled, one killed at a random create — each followed by the next
// trigger run 7 minutes later. It must end with exactly one lead per row.
import { dataset, prng } from '../../bench/data';
import {
  admin,
  driveImport,
  duplicates,
  ImportOutcome,
  loadRows,
  ROW_ID_FIELD,
} from '../../bench/harness';
import type { FakeAmoState, SeedResult } from '../../sandbox/amo-fake';
import { World } from '../../sandbox/world';

const ROWS = 2000;
const COMPLEX = '/api/v4/leads/complex';
const SIX_MINUTES = 6 * 60 * 1000;

describe('importExistingRows: 2,000 rows, killed and resumed', () => {
  let world: World;
  let data: ReturnType<typeof dataset>;
  let seeded: SeedResult;
  let outcome: ImportOutcome;
  let state: FakeAmoState;
  let rows: Array<Record<string, unknown>>;
  const randomNth = 1 + Math.floor(prng(2026)() * 4);

  beforeAll(async () => {
    world = await World.start();
    data = dataset(ROWS, 1000);
    seeded = await world.fake.admin.seed({ contacts: data.contacts, now: world.now() });
    loadRows(world, data.rows);
    world.run('installTriggers');

    let complexSeen = 0;
    outcome = await driveImport(world, {
      gapMs: 7 * 60 * 1000,
      maxRuns: 12,
      beforeRun: async run => {
        world.rt.hooks.afterFetch = undefined;
        if (run === 0) {
          // Dies right after AmoCRM processed its third batch of creates.
          await world.fake.admin.inject({ match: { path: COMPLEX, nth: 3 }, action: 'kill-after' });
        } else if (run === 1) {
          // AmoCRM stalls for six minutes on the second create: the 6-minute limit stops it.
          complexSeen = 0;
          world.rt.hooks.afterFetch = request => {
            if (request.url.includes(COMPLEX) && ++complexSeen === 2) {
              world.rt.clock.advance(SIX_MINUTES);
            }
          };
        } else if (run === 2) {
          await world.fake.admin.inject({
            match: { path: COMPLEX, nth: randomNth },
            action: 'kill-after',
          });
        }
      },
    });
    world.rt.hooks.afterFetch = undefined;
    state = await admin(() => world.fake.admin.state());
    rows = world.rows();
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('finishes, with the three executions killed as planned', () => {
    expect(outcome.error).toBeNull();
    expect(outcome.done).toBe(true);
    const killed = outcome.runs.filter(r => r.result.killed).map(r => r.result.killReason);
    expect(killed).toEqual([
      expect.stringMatching(/x-sandbox-kill/),
      expect.stringMatching(/maximum execution time/i),
      expect.stringMatching(/x-sandbox-kill/),
    ]);
    expect(outcome.runs.slice(0, 3).every(r => r.result.killed)).toBe(true);
  });

  it('gives every row a lead of its own and AmoCRM exactly one lead per row', () => {
    const ids = rows.map(r => String(r.amo_deal_id ?? ''));
    expect(ids.filter(id => !/^\d+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ROWS);
    const live = state.leads.filter(l => !l.is_deleted);
    expect(live).toHaveLength(ROWS);
    expect(rows.filter(r => String(r.sync_status).startsWith('error'))).toEqual([]);
  });

  it("stores each row's external_id in its lead's 'Sheet row ID' field", () => {
    const field = state.leadFields.find(f => f.name === ROW_ID_FIELD);
    expect(field).toBeDefined();
    const externalByLead = new Map(rows.map(r => [Number(r.amo_deal_id), String(r.external_id)]));
    const mismatched = state.leads
      .filter(l => !l.is_deleted)
      .filter(lead => {
        const value = lead.custom_fields_values?.find(f => f.field_id === field?.id)?.values[0];
        return String(value?.value ?? '') !== externalByLead.get(lead.id);
      })
      .map(l => l.id);
    expect(mismatched).toEqual([]);
    expect(duplicates(state).rowsWithSeveralLeads).toBe(0);
  });

  it('creates no contact twice and links the rows of known people to their contacts', () => {
    const report = duplicates(state);
    expect(report.sharedContactKeys).toBe(0);
    const wrong = data.matches.flatMap((k, i) =>
      k >= 0 && Number(rows[i].amo_contact_id) !== seeded.contactIds[k] ? [i + 2] : []
    );
    expect(wrong).toEqual([]);
  });

  it('never ran into the rate limit', async () => {
    const limits = await admin(() => world.fake.admin.rateLimitStats());
    expect(limits).toEqual(expect.objectContaining({ limited: 0, blocked: 0 }));
  });
});
