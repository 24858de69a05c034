// Issue 13's measurements on big sheets: a sheet of `rows` rows × 30 columns whose rows are all
// linked to leads of an account holding 20,000 contacts (as a sheet looks after years of
// syncing: ids, links, statuses and each row's memory note in place), and, on it, the paths a
// day is made of — a typed row, a 50-row paste, a webhook of 1 and of 50 leads (doPost, then
// the next minute's run that applies it), a background run and Sync now with nothing changed.
// Every figure is a counter of the runtime (cells, calls, requests) or its virtual clock under
// the per-cell model (sandbox/runtime/README.md).
import { MAIN_PIPELINE } from '../sandbox/amo-fake';
import type { Counters, RunResult } from '../sandbox/runtime';
import { HEADERS, SHEET, START_STATUS, World } from '../sandbox/world';
import { newExternalId } from '../src/domain/ids';
import { formatMemory, memoryOf } from '../src/sync/row-memory';
import { cellKeys } from '../src/sync/row-view';
import { person, storedPhone } from './data';
import { admin, bulkStatusWebhook, sumCounters } from './harness';

export const WIDTH = 30;
export const ACCOUNT_CONTACTS = 20000;
/** The sheet's own columns beyond the synced ones, up to 30 (comments, managers' notes…). */
const EXTRA = Array.from({ length: WIDTH - HEADERS.length }, (_, i) => `extra ${i + 1}`);
export const BIG_HEADERS = [...HEADERS, ...EXTRA];
const DAY_S = 86400;

export interface PathCost {
  what: string;
  cellsRead: number;
  cellsWritten: number;
  cellsSearched: number;
  sheetCalls: number;
  requests: number;
  virtualMs: number;
  /** Script Properties calls (the day-of-quota table adds them up). */
  propertiesCalls: number;
  executions: number;
}

export interface BigSheetReport {
  rows: number;
  paths: PathCost[];
  /** Peak size of Script Properties seen (bytes, keys + values, UTF-8). */
  propertiesBytes: number;
  /** Peak size of one Script Cache value seen (bytes, UTF-8). */
  cacheValueBytes: number;
  realMs: number;
}

/** Builds the linked sheet and measures each path on it. */
export async function bigSheet(rows: number): Promise<BigSheetReport> {
  const started = Date.now();
  const world = await World.start({ headers: BIG_HEADERS });
  let peak = 0;
  let cachePeak = 0;
  const watch = () => {
    peak = Math.max(peak, propertiesBytes(world));
    const values = Object.values(world.rt.cache.script.all());
    cachePeak = Math.max(cachePeak, ...values.map(v => Buffer.byteLength(v, 'utf8')));
  };
  try {
    await linkedSheet(world, rows);
    world.run('installTriggers');
    // The first background run sets the pull cursors (not counted).
    world.rt.clock.advance(10 * 60_000);
    world.run('runBackgroundWork');
    world.rt.clock.advance(10 * 60_000);
    const paths: PathCost[] = [];
    const add = (what: string, results: RunResult[]) => {
      const failed = results.find(r => r.error && !r.killed);
      if (failed) throw new Error(`${what}: ${failed.fnName} failed: ${failed.error}`);
      paths.push(cost(what, results));
      watch();
    };
    const fresh = (i: number) => newPerson(rows + i);
    add(
      'a person types 1 row',
      world.type([fresh(0)]).filter(r => r.fnName === 'handleEdit')
    );
    world.rt.clock.advance(60_000);
    const paste = Array.from({ length: 50 }, (_, i) => fresh(1 + i));
    add(
      'a person pastes 50 rows',
      world.type(paste).filter(r => r.fnName === 'handleEdit')
    );
    world.rt.clock.advance(60_000);
    const again = Array.from({ length: 50 }, (_, i) => fresh(51 + i));
    add(
      'a person pastes 50 rows, the contact list kept',
      world.type(again).filter(r => r.fnName === 'handleEdit')
    );
    // The background trigger's next full run is 10 minutes after the last: let the pushes'
    // own minute pass without one, so the webhook's run below is the webhook's alone.
    world.rt.clock.advance(10 * 60_000);
    world.run('runBackgroundWork');
    world.rt.clock.advance(60_000);

    const linked = world.rt.spreadsheet.records(SHEET);
    const leadAt = (i: number) => Number(linked[i].amo_deal_id);
    const one = leadAt(Math.floor(rows / 2));
    const before = world.rt.webExecutions.length;
    await admin(() =>
      world.fake.admin.setLeadStatus({
        leadId: one,
        statusId: MAIN_PIPELINE.statuses[3].id,
        now: world.now(),
      })
    );
    add('webhook of 1 lead: doPost', posts(world, before));
    add('webhook of 1 lead: the next minute applies it', world.nextMinute());

    const fifty = Array.from({ length: 50 }, (_, i) => leadAt(Math.floor((i * rows) / 50)));
    const mark = world.rt.webExecutions.length;
    await bulkStatusWebhook(world, fifty, START_STATUS.id, MAIN_PIPELINE.statuses[4].id);
    add('webhook of 50 leads: doPost', posts(world, mark));
    add('webhook of 50 leads: the next minute applies it', world.nextMinute());

    // Nothing changed since: a full background run (due every 10 minutes), then Sync now.
    world.rt.clock.advance(10 * 60_000);
    add('background run, nothing changed', [world.run('runBackgroundWork')]);
    world.rt.clock.advance(60_000);
    add('background minute, nothing to do', [world.run('runBackgroundWork')]);
    world.rt.clock.advance(60_000);
    add('Sync now, nothing changed', [world.run('syncNow')]);
    // An hour on, the background run also reads every row (src/sync/rescan.ts).
    world.rt.clock.advance(60 * 60_000);
    add('background run with the hourly full scan', [world.run('runBackgroundWork')]);
    return {
      rows,
      paths,
      propertiesBytes: peak,
      cacheValueBytes: cachePeak,
      realMs: Date.now() - started,
    };
  } finally {
    await world.stop();
  }
}

/**
 * `rows` rows, row i linked to lead i whose main contact is contact i mod 20,000, with the
 * memory note a sync leaves: as the sheet stands after years of syncing.
 */
export async function linkedSheet(
  world: World,
  rows: number,
  accountContacts = ACCOUNT_CONTACTS
): Promise<void> {
  const now = world.now();
  const at = Math.floor(now / 1000) - DAY_S;
  const contacts = Array.from({ length: accountContacts }, (_, i) => {
    const p = person(i);
    return {
      name: p.name,
      phone: storedPhone(p.digits),
      email: p.email,
      createdAt: at,
      updatedAt: at,
    };
  });
  const { contactIds } = await world.fake.admin.seed({ contacts, now });
  const leadIds: number[] = [];
  const CHUNK = 10000;
  for (let start = 0; start < rows; start += CHUNK) {
    const leads = Array.from({ length: Math.min(CHUNK, rows - start) }, (_, k) => {
      const i = start + k;
      return {
        name: `Сделка ${i + 1}`,
        price: budgetOf(i),
        statusId: START_STATUS.id,
        pipelineId: MAIN_PIPELINE.id,
        contactId: contactIds[i % accountContacts],
        createdAt: at,
        updatedAt: at,
      };
    });
    leadIds.push(...(await world.fake.admin.seed({ leads, now })).leadIds);
  }
  const grid: unknown[][] = [];
  const notes: string[] = [];
  for (let i = 0; i < rows; i++) {
    const p = person(i % accountContacts);
    const cells: Record<string, unknown> = {
      name: p.name,
      phone: storedPhone(p.digits),
      email: p.email,
      budget: budgetOf(i),
      amo_deal_id: String(leadIds[i]),
      amo_contact_id: String(contactIds[i % accountContacts]),
      amo_link: `${world.fake.url}/leads/detail/${leadIds[i]}`,
      status: START_STATUS.name,
      external_id: newExternalId((i + 1).toString(16).padStart(16, '0'), (at - 60) * 1000),
      sync_status: 'synced',
    };
    EXTRA.forEach((h, k) => (cells[h] = k < 3 ? `note ${i}-${k}` : ''));
    grid.push(BIG_HEADERS.map(h => cells[h] ?? ''));
    const keys = cellKeys(
      { name: p.name, phone: cells.phone as string, email: p.email, budget: budgetOf(i) },
      'RU'
    );
    notes.push(formatMemory(memoryOf(keys, (at - 60) * 1000)));
  }
  world.rt.spreadsheet.setValues(SHEET, 2, 1, grid, { raw: true });
  const model = world.rt.spreadsheet.model;
  const sheet = model.requireSheet(SHEET);
  const noteColumn = BIG_HEADERS.indexOf('sync_status') + 1;
  notes.forEach((note, i) => (sheet.cellFor(i + 2, noteColumn).note = note));
}

function budgetOf(i: number): number {
  return 10000 + (i % 97) * 1000;
}

/** A person the account does not know yet. */
function newPerson(i: number): Record<string, unknown> {
  const p = person(ACCOUNT_CONTACTS + i);
  return { name: p.name, phone: `+7${p.digits}`, email: p.email, budget: 50000 };
}

function posts(world: World, from: number): RunResult[] {
  const results = world.rt.webExecutions
    .slice(from)
    .filter(w => w.method === 'POST')
    .flatMap(w => (w.result ? [w.result] : []));
  if (results.length !== 1) throw new Error(`expected 1 webhook POST, saw ${results.length}`);
  return results;
}

function cost(what: string, results: RunResult[]): PathCost {
  const c: Counters = sumCounters(results);
  return {
    what,
    cellsRead: c.cellsRead,
    cellsWritten: c.cellsWritten,
    cellsSearched: c.cellsSearched,
    sheetCalls: c.spreadsheetCalls,
    requests: c.httpRequests,
    virtualMs: c.virtualMs,
    propertiesCalls: c.propertiesCalls,
    executions: results.length,
  };
}

function propertiesBytes(world: World): number {
  const all = world.rt.properties.script.all();
  return Object.entries(all).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8'),
    0
  );
}
