// Fitting big jobs into AmoCRM's limits through a real AmoClient and a fake server: batches
// of 250 (50 for complex adds), id lists split for the URL length, and pagination that follows
// AmoCRM's next links until they stop.

import { AmoClient } from '../../src/amo/client';
import { createComplexLeads, createLeads, listLeads } from '../../src/amo/calls';
import {
  MAX_QUERY_CHARS,
  batchCalls,
  chunk,
  fetchAllPages,
  fetchPages,
  idChunks,
  leadsByIds,
} from '../../src/amo/batching';
import { encodeQuery } from '../../src/amo/query-string';
import type { SeenRequest } from './support/ports-memory';
import {
  CountingTokens,
  FakeHttp,
  ManualClock,
  MemoryLogger,
  json,
  noContent,
} from './support/ports-memory';

function setup() {
  const clock = new ManualClock();
  const http = new FakeHttp(clock);
  const client = new AmoClient({
    baseUrl: 'https://example.amocrm.ru',
    http,
    clock,
    tokens: new CountingTokens(),
    logger: new MemoryLogger(),
    random: () => 0.5,
  });
  return { clock, http, client };
}

/** Answers a batch add with one id per item. */
function echoCreated(key: string) {
  let next = 1;
  return (req: SeenRequest) =>
    json(200, {
      _embedded: {
        [key]: (req.body as unknown[]).map((_, i) => ({ id: next++, request_id: String(i) })),
      },
    });
}

/** Serves `total` leads in pages of `limit`, announcing a next page while there is one. */
function pagedLeads(total: number) {
  return (req: SeenRequest) => {
    const page = Number(req.query.page[0]);
    const limit = Number(req.query.limit[0]);
    const from = (page - 1) * limit;
    if (from >= total) return noContent();
    const leads = Array.from({ length: Math.min(limit, total - from) }, (_, i) => ({
      id: from + i + 1,
    }));
    const links: Record<string, unknown> = { self: { href: `x?page=${page}` } };
    if (from + limit < total) links.next = { href: `x?page=${page + 1}` };
    return json(200, { _page: page, _links: links, _embedded: { leads } });
  };
}

test('chunk splits into runs of at most n', () => {
  expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  expect(chunk([], 3)).toEqual([]);
});

test('600 leads go out as 3 requests of 250, 250 and 100', () => {
  const { http, client } = setup();
  http.on('post', '/api/v4/leads', echoCreated('leads'));
  const leads = Array.from({ length: 600 }, (_, i) => ({ name: `Lead ${i}`, request_id: `r${i}` }));
  const results = client.runAll(batchCalls(leads, 250, createLeads));
  expect(http.requests.map(r => (r.body as unknown[]).length)).toEqual([250, 250, 100]);
  const ids = results.flatMap(r => (r.ok ? r.value.map(c => c.id) : []));
  expect(new Set(ids).size).toBe(600);
});

test('120 complex leads go out as 3 requests of at most 50', () => {
  const { http, client } = setup();
  http.on('post', '/api/v4/leads/complex', req =>
    json(
      200,
      (req.body as unknown[]).map((_, i) => ({
        id: i + 1,
        contact_id: i + 100,
        request_id: [String(i)],
        merged: false,
      }))
    )
  );
  const leads = Array.from({ length: 120 }, () => ({ name: 'L' }));
  client.runAll(batchCalls(leads, 50, createComplexLeads));
  expect(http.requests.map(r => (r.body as unknown[]).length)).toEqual([50, 50, 20]);
});

test('pagination follows next until AmoCRM stops announcing one', () => {
  const { http, client } = setup();
  http.on('get', '/api/v4/leads', pagedLeads(600));
  const leads = fetchAllPages(client, page => listLeads({ page }));
  expect(leads).toHaveLength(600);
  expect(http.requests.map(r => r.query.page[0])).toEqual(['1', '2', '3']);
});

test('pagination stops on a 204 page too', () => {
  const { http, client } = setup();
  http.on('get', '/api/v4/leads', req =>
    req.query.page[0] === '1'
      ? json(200, { _page: 1, _links: { next: { href: 'x' } }, _embedded: { leads: [{ id: 1 }] } })
      : noContent()
  );
  expect(fetchAllPages(client, page => listLeads({ page }))).toEqual([{ id: 1 }]);
  expect(http.requests).toHaveLength(2);
});

test('several paged queries advance together; a failing one does not sink the others', () => {
  const { http, client } = setup();
  http.on('get', '/api/v4/leads', req =>
    req.query.query?.[0] === 'bad'
      ? json(400, { status: 400, detail: 'nope' })
      : pagedLeads(300)(req)
  );
  const results = fetchPages(client, [
    page => listLeads({ page, query: 'good' }),
    page => listLeads({ page, query: 'bad' }),
  ]);
  expect(results[0].ok && results[0].value).toHaveLength(300);
  expect(results[1].ok).toBe(false);
  expect(http.batches.map(b => b.length)).toEqual([2, 1]);
});

test('ids are split so every GET URL stays under 2 KB', () => {
  const ids = Array.from({ length: 600 }, (_, i) => 30_000_000 + i);
  const runs = idChunks(ids);
  expect(runs.flat()).toEqual(ids);
  for (const run of runs) {
    expect(encodeQuery({ filter: { id: run } }).length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
  }
  const { http, client } = setup();
  http.on('get', '/api/v4/leads', () => noContent());
  fetchPages(client, leadsByIds([...ids, ...ids], { with: ['contacts'] }));
  expect(http.requests.length).toBe(runs.length);
  expect(Math.max(...http.requests.map(r => r.url.length))).toBeLessThan(2000);
  expect(http.requests.flatMap(r => r.query['filter[id][]'].map(Number))).toEqual(ids);
});
