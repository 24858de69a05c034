// StatusDirectory: status names cost no request once pipelines are cached (in memory, and in
// the script cache across executions), and an unknown status triggers at most one re-read
// per execution.

import { AmoClient } from '../../src/amo/client';
import { PIPELINES_CACHE_KEY, StatusDirectory } from '../../src/amo/pipelines';
import {
  CountingTokens,
  FakeHttp,
  ManualClock,
  MapCache,
  MemoryLogger,
  json,
} from './support/ports-memory';
import pipelines from './fixtures/pipelines_list.json';
import pipeline from './fixtures/pipeline.json';

const PIPELINE = 3177727;

function setup() {
  const clock = new ManualClock();
  const http = new FakeHttp(clock);
  const cache = new MapCache(clock);
  let body: unknown = pipelines;
  http.on('get', '/api/v4/leads/pipelines', () => json(200, body));
  const execution = () =>
    new StatusDirectory({
      runner: new AmoClient({
        baseUrl: 'https://example.amocrm.ru',
        http,
        clock,
        tokens: new CountingTokens(),
        logger: new MemoryLogger(),
      }),
      cache,
    });
  const serve = (next: unknown) => (body = next);
  return { clock, http, cache, execution, serve };
}

test('names a status; later lookups cost no request, in this execution or the next', () => {
  const { http, execution } = setup();
  const dir = execution();
  expect(dir.statusName(PIPELINE, 32392159)).toBe('Первичный контакт');
  expect(dir.statusName(PIPELINE, 142)).toBe('Успешно реализовано');
  expect(dir.statuses(PIPELINE).map(s => s.id)).toEqual([32392156, 32392159, 32392165, 142, 143]);
  expect(http.requests).toHaveLength(1);
  expect(execution().statusName(PIPELINE, 143)).toBe('Закрыто и не реализовано');
  expect(http.requests).toHaveLength(1);
});

test('an unknown status re-reads AmoCRM once per execution', () => {
  const { http, execution, serve } = setup();
  execution().statusName(PIPELINE, 142);
  // Someone added a pipeline in AmoCRM; the cached copy does not know it.
  serve({ _embedded: { pipelines: [...pipelines._embedded.pipelines, pipeline] } });
  const dir = execution();
  expect(dir.statusName(5959351, 51909139)).toBe('Переговоры');
  expect(http.requests).toHaveLength(2);
  expect(dir.statusName(PIPELINE, 999)).toBeNull();
  expect(dir.statusName(777, 1)).toBeNull();
  expect(dir.statuses(777)).toEqual([]);
  expect(http.requests).toHaveLength(2);
  // The next execution sees the refreshed cache.
  expect(execution().statusName(5959351, 51909136)).toBe('Первичный контакт');
  expect(http.requests).toHaveLength(2);
});

test('the cache entry lives 6 hours', () => {
  const { http, clock, cache, execution } = setup();
  execution().statusName(PIPELINE, 142);
  expect(cache.get(PIPELINES_CACHE_KEY)).not.toBeNull();
  clock.advance(6 * 3600 * 1000);
  execution().statusName(PIPELINE, 142);
  expect(http.requests).toHaveLength(2);
});
