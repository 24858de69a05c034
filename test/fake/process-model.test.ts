// The reason the fake runs in a worker thread: the local Apps Script runtime blocks its main
// thread in Atomics.wait while another thread performs the HTTP call. Here the test thread
// blocks the same way and the fake still answers; stop() then really closes the port.

import { Worker } from 'node:worker_threads';
import { startFakeAmo } from '../../sandbox/amo-fake';

const CALLER = `
const { workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.shared);
fetch(workerData.url + '/api/v4/account', { headers: { authorization: 'Bearer ' + workerData.token } })
  .then(r => r.status, () => -1)
  .then(status => {
    Atomics.store(flag, 1, status);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
`;

describe('fake AmoCRM process model', () => {
  it('answers while the thread that started it is blocked in Atomics.wait', async () => {
    const fake = await startFakeAmo();
    const token = await fake.admin.createLongLivedToken();
    const shared = new SharedArrayBuffer(8);
    const flag = new Int32Array(shared);
    const caller = new Worker(CALLER, { eval: true, workerData: { shared, url: fake.url, token } });
    const woke = Atomics.wait(flag, 0, 0, 5000);
    expect(woke === 'ok' || woke === 'not-equal').toBe(true);
    expect(Atomics.load(flag, 1)).toBe(200);
    await caller.terminate();
    await fake.stop();
    await expect(fetch(`${fake.url}/__fake/health`)).rejects.toThrow();
  });

  it('runs two independent fakes side by side', async () => {
    const [a, b] = await Promise.all([
      startFakeAmo({ config: { subdomain: 'alpha' } }),
      startFakeAmo({ config: { subdomain: 'beta' } }),
    ]);
    expect(a.url).not.toBe(b.url);
    expect((await a.admin.state()).config.subdomain).toBe('alpha');
    expect((await b.admin.state()).config.subdomain).toBe('beta');
    await Promise.all([a.stop(), b.stop()]);
  });
});
