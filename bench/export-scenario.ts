// Issue 15's counted export: 5,000 leads already in AmoCRM, a sheet with only its headers, and
// exportLeads run until it says it has finished (at most 2 runs allowed), then once more (it
// must add nothing). Every number comes from the runtime's counters of those executions.
import { MAIN_PIPELINE } from '../sandbox/amo-fake';
import type { RunResult } from '../sandbox/runtime';
import { World } from '../sandbox/world';
import { existingLeads } from './data';
import { admin, sumCounters } from './harness';

export interface ExportStats {
  leads: number;
  requests: number;
  byEndpoint: Record<string, number>;
  runs: number;
  done: boolean;
  virtualS: number;
  sheetCallsPerRun: number[];
  /** Leads with exactly one row / leads linked by 2+ rows. */
  rowsOk: number;
  doubled: number;
  /** The second export: requests, and rows it added. */
  again: { requests: number; added: number };
  realMs: number;
}

export async function exportScenario(count: number): Promise<ExportStats> {
  const started = Date.now();
  const world = await World.start();
  try {
    const statuses = MAIN_PIPELINE.statuses.slice(1, 4).map(s => s.id);
    const data = existingLeads(count, MAIN_PIPELINE.id, statuses);
    const seeded = await admin(() => world.fake.admin.seed({ ...data, now: world.now() }));
    world.run('installTriggers');
    const runs: RunResult[] = [];
    do {
      if (runs.length > 0) world.rt.clock.advance(60_000);
      runs.push(world.rt.run('exportLeads'));
    } while (world.rt.properties.script.get('SYNC_EXPORT_PROGRESS') !== null && runs.length < 5);
    const total = sumCounters(runs);
    const perLead = new Map<string, number>();
    for (const row of world.rows()) {
      const id = String(row.amo_deal_id);
      perLead.set(id, (perLead.get(id) ?? 0) + 1);
    }
    const before = world.rows().length;
    world.rt.clock.advance(60_000);
    const again = world.rt.run('exportLeads');
    return {
      leads: count,
      requests: total.httpRequests,
      byEndpoint: total.httpByEndpoint,
      runs: runs.length,
      done: world.rt.properties.script.get('SYNC_EXPORT_PROGRESS') === null,
      virtualS: total.virtualMs / 1000,
      sheetCallsPerRun: runs.map(r => r.counters.spreadsheetCalls),
      rowsOk: seeded.leadIds.filter(id => perLead.get(String(id)) === 1).length,
      doubled: [...perLead.values()].filter(n => n > 1).length,
      again: { requests: again.counters.httpRequests, added: world.rows().length - before },
      realMs: Date.now() - started,
    };
  } finally {
    await world.stop();
  }
}
