// The runtime's per-execution counters, added up over the executions of a step and written
// as one line: AmoCRM requests by endpoint, Spreadsheet calls, virtual seconds.
import type { Counters } from '../runtime';
import { emptyCounters } from '../runtime/execution';

/** The counters of several executions added up. */
export function sumCounters(results: Array<{ counters: Counters }>): Counters {
  const total = emptyCounters();
  for (const { counters: c } of results) {
    total.httpRequests += c.httpRequests;
    total.fetchAllBatches += c.fetchAllBatches;
    total.spreadsheetCalls += c.spreadsheetCalls;
    total.spreadsheetWrites += c.spreadsheetWrites;
    total.cellsRead += c.cellsRead;
    total.cellsWritten += c.cellsWritten;
    total.cellsSearched += c.cellsSearched;
    total.propertiesCalls += c.propertiesCalls;
    total.cacheCalls += c.cacheCalls;
    total.virtualMs += c.virtualMs;
    total.sleepMs += c.sleepMs;
    for (const [k, v] of Object.entries(c.httpByEndpoint)) {
      total.httpByEndpoint[k] = (total.httpByEndpoint[k] ?? 0) + v;
    }
  }
  return total;
}

/** Groups `GET /api/v4/leads/31000001` under `GET /api/v4/leads/{id}`. */
export function byTemplate(byEndpoint: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(byEndpoint)) {
    const template = key.replace(/\/\d+(?=\/|$)/g, '/{id}');
    out[template] = (out[template] ?? 0) + n;
  }
  return out;
}

/** `POST /api/v4/leads/complex 1, GET /api/v4/contacts 1`, largest first. */
export function formatEndpoints(byEndpoint: Record<string, number>): string {
  const entries = Object.entries(byTemplate(byEndpoint)).sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)
  );
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}

/**
 * `AmoCRM 3 requests · Spreadsheet 8 calls · 0.66 virtual s · 1 execution`, then, when there
 * were requests, a line of them by endpoint (`GET /api/v4/contacts 1, …`).
 */
export function formatCounts(c: Counters, executions: number): string[] {
  const requests = c.httpRequests === 1 ? '1 request' : `${c.httpRequests} requests`;
  const summary =
    `AmoCRM ${requests} · Spreadsheet ${c.spreadsheetCalls} calls · ` +
    `${(c.virtualMs / 1000).toFixed(2)} virtual s · ` +
    `${executions} execution${executions === 1 ? '' : 's'}`;
  return c.httpRequests > 0 ? [summary, `  ${formatEndpoints(c.httpByEndpoint)}`] : [summary];
}
