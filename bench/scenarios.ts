// The benchmark's measurements, each in a fresh world (fake + local runtime over loopback):
// the import of the built bundle at a given size, the old service's baseline, and the
// interactive paths (handleEdit, doPost). Every number comes from the runtime's counters of
// the executions involved and from the fake's own view (rate-limit stats, stored entities).
import path from 'node:path';
import { MAIN_PIPELINE } from '../sandbox/amo-fake';
import type { Counters, RunResult } from '../sandbox/runtime';
import { HEADERS, World } from '../sandbox/world';
import { dataset } from './data';
import {
  admin,
  bulkStatusWebhook,
  driveImport,
  duplicates,
  DuplicateReport,
  loadRows,
  rowsWithoutLead,
  sumCounters,
} from './harness';

export interface ImportStats {
  rows: number;
  seededContacts: number;
  matchingRows: number;
  requests: number;
  byEndpoint: Record<string, number>;
  answers429: number;
  blocked403: number;
  runs: number;
  done: boolean;
  virtualS: number;
  sheetCallsPerRun: number[];
  /** Virtual seconds of each run (a run past 360 is killed). */
  virtualSPerRun?: number[];
  /** Runs killed (by the 6-minute limit or an injected fault). */
  killed?: number;
  dup: DuplicateReport;
  /** Rows meant to reuse an existing contact that got another one. */
  missedReuse: number;
  realMs: number;
  /** An execution that failed (not killed), with its message. */
  error: string | null;
}

export interface ImportOptions {
  /** Kill the first run right after its nth /leads/complex request was processed. */
  killAtComplex?: number;
  /** Sheet columns beyond the 11 of the world's sheet (the 100,000-row import has 12). */
  extraColumns?: number;
}

/** Our import: installTriggers (setup, not counted), then the import until every row has a lead. */
export async function ourImport(
  rows: number,
  contacts = 1000,
  options: ImportOptions = {}
): Promise<ImportStats> {
  const started = Date.now();
  const extra = Array.from({ length: options.extraColumns ?? 0 }, (_, i) => `extra ${i + 1}`);
  const world = await World.start({ headers: [...HEADERS, ...extra] });
  try {
    const data = dataset(rows, contacts);
    const seeded = await world.fake.admin.seed({ contacts: data.contacts, now: world.now() });
    loadRows(world, data.rows);
    world.run('installTriggers');
    if (options.killAtComplex) {
      await world.fake.admin.inject({
        match: { method: 'POST', path: '/api/v4/leads/complex', nth: options.killAtComplex },
        action: 'kill-after',
      });
    }
    const outcome = await driveImport(world);
    const limits = await admin(() => world.fake.admin.rateLimitStats());
    const dup = duplicates(await admin(() => world.fake.admin.state()));
    const sheet = world.rows();
    const missedReuse = data.matches.filter(
      (k, i) => k >= 0 && Number(sheet[i].amo_contact_id) !== seeded.contactIds[k]
    ).length;
    return {
      rows,
      seededContacts: contacts,
      matchingRows: data.matches.filter(k => k >= 0).length,
      requests: outcome.total.httpRequests,
      byEndpoint: outcome.total.httpByEndpoint,
      answers429: limits.limited,
      blocked403: limits.blocked,
      runs: outcome.runCount,
      done: outcome.done,
      virtualS: outcome.total.virtualMs / 1000,
      sheetCallsPerRun: outcome.runs.map(r => r.result.counters.spreadsheetCalls),
      virtualSPerRun: outcome.runs.map(r => r.result.counters.virtualMs / 1000),
      killed: outcome.killed,
      dup,
      missedReuse,
      realMs: Date.now() - started,
      error: outcome.error,
    };
  } finally {
    await world.stop();
  }
}

export interface BaselineStats extends ImportStats {
  /** Rows the measured runs imported (the sample the extrapolation is based on). */
  sampleRows: number;
  rowsPerRun: number;
  requestsPerRow: number;
  virtualSPerRow: number;
  sheetCallsPerRow: number;
}

/** The old service's way (bench/baseline/Code.js) on the first `sampleRows` rows. */
export async function baselineImport(sampleRows: number, contacts = 1000): Promise<BaselineStats> {
  const started = Date.now();
  const world = await World.start({
    webhooks: false,
    runtime: { bundleDir: path.resolve('bench/baseline') },
  });
  try {
    const data = dataset(sampleRows, contacts);
    const seeded = await world.fake.admin.seed({ contacts: data.contacts, now: world.now() });
    loadRows(world, data.rows);
    const results: RunResult[] = [];
    while (rowsWithoutLead(world) > 0 && results.length < 20) {
      if (results.length > 0) world.rt.clock.advance(10 * 60 * 1000);
      results.push(world.run('importBaseline'));
    }
    const total = sumCounters(results);
    const limits = await admin(() => world.fake.admin.rateLimitStats());
    const dup = duplicates(await admin(() => world.fake.admin.state()));
    const sheet = world.rows();
    const missedReuse = data.matches.filter(
      (k, i) => k >= 0 && Number(sheet[i].amo_contact_id) !== seeded.contactIds[k]
    ).length;
    const full = results.filter(r => !/imported 0$/.test(String(r.returned)));
    return {
      rows: sampleRows,
      seededContacts: contacts,
      matchingRows: data.matches.filter(k => k >= 0).length,
      requests: total.httpRequests,
      byEndpoint: total.httpByEndpoint,
      answers429: limits.limited,
      blocked403: limits.blocked,
      runs: results.length,
      done: rowsWithoutLead(world) === 0,
      virtualS: total.virtualMs / 1000,
      sheetCallsPerRun: results.map(r => r.counters.spreadsheetCalls),
      dup,
      missedReuse,
      realMs: Date.now() - started,
      error: results.find(r => r.error)?.errorMessage ?? null,
      sampleRows,
      rowsPerRun: Math.max(
        ...full.map(r => Number(/imported (\d+)/.exec(String(r.returned))?.[1]))
      ),
      requestsPerRow: total.httpRequests / sampleRows,
      virtualSPerRow: total.virtualMs / 1000 / sampleRows,
      sheetCallsPerRow: total.spreadsheetCalls / sampleRows,
    };
  } finally {
    await world.stop();
  }
}

export interface Interactive {
  what: string;
  requests: number;
  byEndpoint: Record<string, number>;
  sheetCalls: number;
  virtualMs: number;
  /** What the execution answered or returned, for the record. */
  note: string;
}

/**
 * handleEdit for one typed row and a 50-row paste, doPost for a webhook of one lead (a real
 * delivery of a manager's status change) and of 50 leads, over an account holding `rows`
 * imported rows.
 */
export async function interactive(rows = 200): Promise<Interactive[]> {
  const world = await World.start();
  try {
    const data = dataset(rows + 51, 100);
    await world.fake.admin.seed({ contacts: data.contacts, now: world.now() });
    loadRows(world, data.rows.slice(0, rows));
    world.run('installTriggers');
    const setup = await driveImport(world);
    if (!setup.done)
      throw new Error(`the import before the interactive measures failed: ${setup.error}`);
    world.rt.clock.advance(60_000);
    const out: Interactive[] = [];
    const edits = (what: string, results: RunResult[]) => {
      const mine = results.filter(r => r.fnName === 'handleEdit');
      if (mine.length === 0) throw new Error(`${what}: no handleEdit ran`);
      const failed = mine.find(r => r.error);
      if (failed) throw new Error(`${what}: handleEdit failed: ${failed.error}`);
      out.push(measure(what, sumCounters(mine), ''));
    };
    // One new person (not one of the account's contacts), then a paste of 50 more rows.
    const single = data.matches.findIndex((k, i) => i >= rows && k < 0);
    const rest = data.rows.slice(rows).filter((_r, i) => rows + i !== single);
    edits('handleEdit: a person types 1 new row', world.type([data.rows[single]]));
    world.rt.clock.advance(60_000);
    edits('handleEdit: a person pastes 50 new rows', world.type(rest));
    world.rt.clock.advance(60_000);
    edits('handleEdit: a person changes 1 budget', world.edit(2, 'budget', 123456));
    world.rt.clock.advance(60_000);

    const leadIds = world
      .rows()
      .slice(0, 50)
      .map(r => Number(r.amo_deal_id));
    const status = MAIN_PIPELINE.statuses[3].id;
    const before = world.rt.webExecutions.length;
    await admin(() =>
      world.fake.admin.setLeadStatus({ leadId: leadIds[0], statusId: status, now: world.now() })
    );
    out.push(webhookMeasure('doPost: webhook of 1 lead (manager moves it)', world, before));
    world.rt.clock.advance(60_000);

    // A manager's bulk action: 50 status changes arrive as one webhook body.
    const mark = world.rt.webExecutions.length;
    await bulkStatusWebhook(world, leadIds, status, MAIN_PIPELINE.statuses[4].id);
    out.push(webhookMeasure('doPost: webhook of 50 leads (bulk status change)', world, mark));
    return out;
  } finally {
    await world.stop();
  }
}

function webhookMeasure(what: string, world: World, from: number): Interactive {
  const posts = world.rt.webExecutions.slice(from).filter(w => w.method === 'POST');
  if (posts.length !== 1) throw new Error(`${what}: expected 1 webhook POST, saw ${posts.length}`);
  const result = posts[0].result;
  if (!result) throw new Error(`${what}: the web app did not run doPost`);
  if (result.error) throw new Error(`${what}: doPost failed: ${result.error}`);
  return measure(what, result.counters, posts[0].responseBody);
}

function measure(what: string, c: Counters, note: string): Interactive {
  return {
    what,
    requests: c.httpRequests,
    byEndpoint: c.httpByEndpoint,
    sheetCalls: c.spreadsheetCalls,
    virtualMs: c.virtualMs,
    note,
  };
}
