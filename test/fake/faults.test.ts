// Fault injection over real HTTP: a canned status (not processed), a dropped socket, a hang
// the client must time out on, "kill-after" (processed, answered with x-sandbox-kill: 1) and
// "hang-after" (processed, never answered), with nth/times matching and the request log.

import type { FakeAmoHandle } from '../../sandbox/amo-fake';
import { AmoCaller, T0, startTestFake } from './fake-helpers';

describe('fake AmoCRM fault injection', () => {
  let fake: FakeAmoHandle;
  let api: AmoCaller;

  beforeAll(async () => {
    fake = await startTestFake();
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    await fake.admin.reset();
    api = new AmoCaller(fake.url, await fake.admin.createLongLivedToken({ now: T0 }));
  });

  const leadCount = async () => (await fake.admin.state()).leads.length;

  it('answers an injected status without processing the request', async () => {
    await fake.admin.inject({
      match: { method: 'POST', path: '/api/v4/leads' },
      times: 1,
      action: { status: 503, body: { title: 'Service Unavailable', status: 503 }, retryAfter: 3 },
    });
    const failed = await api.post('/api/v4/leads', [{ name: 'x' }]);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('3');
    expect(failed.json).toEqual({ title: 'Service Unavailable', status: 503 });
    expect(await leadCount()).toBe(0);
    expect((await api.post('/api/v4/leads', [{ name: 'x' }])).status).toBe(200);
    expect(await leadCount()).toBe(1);
    const log = await fake.admin.requests();
    expect(log.map(e => [e.status, e.fault ?? null])).toEqual([
      [503, 'status 503'],
      [200, null],
    ]);
  });

  it('fires on the nth matching request only', async () => {
    await fake.admin.inject({
      match: { path: '/api/v4/account', nth: 2 },
      action: { status: 500 },
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await api.get('/api/v4/account')).status);
    expect(statuses).toEqual([200, 500, 200]);
  });

  it('drops the connection without answering', async () => {
    await fake.admin.inject({ match: { path: '^/api/v4/leads' }, action: 'drop' });
    await expect(api.post('/api/v4/leads', [{ name: 'x' }])).rejects.toThrow();
    expect(await leadCount()).toBe(0);
    expect((await fake.admin.requests())[0]).toMatchObject({ status: null, fault: 'drop' });
  });

  it('hangs until the client gives up', async () => {
    await fake.admin.inject({ match: { path: '/api/v4/leads' }, action: 'hang' });
    const started = Date.now();
    await expect(
      api.call('GET', '/api/v4/leads', undefined, { signal: AbortSignal.timeout(300) })
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await api.get('/api/v4/leads')).status).toBe(204);
  });

  it('kill-after: the lead IS created and the answer carries x-sandbox-kill', async () => {
    await fake.admin.inject({
      match: { method: 'POST', path: '/api/v4/leads' },
      action: 'kill-after',
    });
    const answer = await api.post('/api/v4/leads', [{ name: 'survivor' }]);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-sandbox-kill')).toBe('1');
    const id = answer.json._embedded.leads[0].id;
    expect(await fake.admin.lead(id)).toMatchObject({ name: 'survivor' });
    const next = await api.post('/api/v4/leads', [{ name: 'second' }]);
    expect(next.headers.get('x-sandbox-kill')).toBeNull();
  });

  it('hang-after and drop-after: processed, but the caller never hears back', async () => {
    await fake.admin.inject({ match: { method: 'POST' }, times: 1, action: 'hang-after' });
    await expect(
      api.call('POST', '/api/v4/leads', [{ name: 'a' }], { signal: AbortSignal.timeout(300) })
    ).rejects.toThrow();
    await fake.admin.inject({ match: { method: 'POST' }, action: 'drop-after' });
    await expect(api.post('/api/v4/leads', [{ name: 'b' }])).rejects.toThrow();
    expect((await fake.admin.state()).leads.map(l => l.name)).toEqual(['a', 'b']);
  });

  it('delays an answer by real milliseconds, then answers normally', async () => {
    await fake.admin.inject({ match: { path: '/api/v4/account' }, action: { delayMs: 200 } });
    const started = Date.now();
    const answer = await api.get('/api/v4/account');
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await fake.admin.requests())[0].fault).toBe('delay 200ms');
  });

  it('clears rules', async () => {
    await fake.admin.inject({ match: {}, times: 'forever', action: { status: 502 } });
    expect((await api.get('/api/v4/account')).status).toBe(502);
    expect(await fake.admin.faults()).toHaveLength(1);
    await fake.admin.clearFaults();
    expect((await api.get('/api/v4/account')).status).toBe(200);
  });
});
