// Issue 13, through the built bundle against the fake: an import that needs two runs keeps the
// account's contact list between them (src/sync/account-contacts.ts). The second run must not
// list every contact again, must still link rows to contacts that existed, must see a contact
// a manager changed between the runs, and with the cache evicted must list again and make no
// duplicate contact.
import { dataset } from '../../bench/data';
import { admin, duplicates, loadRows, rowsWithoutLead } from '../../bench/harness';
import type { SeedResult } from '../../sandbox/amo-fake';
import type { RunResult } from '../../sandbox/runtime';
import { World } from '../../sandbox/world';

const ROWS = 2000;
const CONTACTS = 1000;
const COMPLEX = '/api/v4/leads/complex';
const CONTACT_LIST = 'GET /api/v4/contacts';
const STALL_MS = 5 * 60 * 1000;

interface Outcome {
  world: World;
  second: RunResult;
  seeded: SeedResult;
  data: ReturnType<typeof dataset>;
  /** The pending new row whose email a manager gave to an existing contact between the runs. */
  edited: { row: number; contactId: number };
}

/**
 * Run 1 imports until AmoCRM stalls after its 8th create batch (the run's time is then up and
 * the rest wait); a manager gives a late row's email to an existing contact; run 2 finishes.
 */
async function twoRuns(evict: boolean): Promise<Outcome> {
  const world = await World.start();
  const data = dataset(ROWS, CONTACTS);
  const seeded = await world.fake.admin.seed({ contacts: data.contacts, now: world.now() });
  loadRows(world, data.rows);
  world.run('installTriggers');
  // The account's contacts were made long before (not in the second the import lists them).
  world.rt.clock.advance(60 * 60 * 1000);
  let complex = 0;
  world.rt.hooks.afterFetch = request => {
    if (request.url.includes(COMPLEX) && ++complex === 8) world.rt.clock.advance(STALL_MS);
  };
  const first = world.run('importExistingRows');
  world.rt.hooks.afterFetch = undefined;
  expect(first.error).toBeNull();
  expect(rowsWithoutLead(world)).toBeGreaterThan(0);

  world.rt.clock.advance(5 * 60 * 1000);
  const sheet = world.rows();
  let row = sheet.length - 1;
  while (data.matches[row] >= 0 || !sheet[row].email || sheet[row].amo_deal_id) row--;
  const contactId = seeded.contactIds[CONTACTS - 1];
  await admin(() =>
    world.fake.admin.editContact({ contactId, email: String(sheet[row].email), now: world.now() })
  );
  if (evict) world.rt.cache.evictAll();

  world.rt.clock.advance(5 * 60 * 1000);
  const second = world.run('runBackgroundWork');
  expect(second.error).toBeNull();
  return { world, second, seeded, data, edited: { row, contactId } };
}

async function expectOneContactEach(o: Outcome): Promise<void> {
  expect(rowsWithoutLead(o.world)).toBe(0);
  const dup = duplicates(await admin(() => o.world.fake.admin.state()));
  expect(dup.sharedContactKeys).toBe(0);
  expect(dup.rowsWithSeveralLeads).toBe(0);
  const rows = o.world.rows();
  const missed = o.data.matches.filter(
    (k, i) => k >= 0 && Number(rows[i].amo_contact_id) !== o.seeded.contactIds[k]
  );
  expect(missed).toEqual([]);
  expect(Number(rows[o.edited.row].amo_contact_id)).toBe(o.edited.contactId);
}

describe('an import over two runs keeps the contact list between them', () => {
  let kept: Outcome;
  let evicted: Outcome;

  beforeAll(async () => {
    kept = await twoRuns(false);
    evicted = await twoRuns(true);
  });

  afterAll(async () => {
    await kept?.world.stop();
    await evicted?.world.stop();
  });

  it('lists only what changed: fewer contact pages than a full listing', () => {
    const keptPages = kept.second.counters.httpByEndpoint[CONTACT_LIST] ?? 0;
    const fullPages = evicted.second.counters.httpByEndpoint[CONTACT_LIST] ?? 0;
    // A: the contacts its patches changed (one page); B: the manager's edit, and our last second.
    expect(keptPages).toBeLessThanOrEqual(3);
    expect(fullPages).toBeGreaterThan(keptPages);
  });

  it('links the rows to existing contacts and to the one a manager changed, without duplicates', async () => {
    await expectOneContactEach(kept);
  });

  it('with the cache evicted lists every contact again and still makes no duplicate', async () => {
    await expectOneContactEach(evicted);
  });
});
