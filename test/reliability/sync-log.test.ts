// The "AmoCRM log" sheet is where a person looks for what failed and what healed. Failures of
// the most common flow — a person typing or pasting rows (the on-edit trigger) — must land
// there too, not only those of Sync now, the import and the background run.
import { person, startWorld, World } from './kit';

const LOG = 'AmoCRM log';

let w: World;

beforeEach(async () => {
  w = await startWorld();
});

afterEach(async () => {
  await w.stop();
});

function logLines(): Array<Record<string, unknown>> {
  return w.rt.spreadsheet.sheetNames().includes(LOG) ? w.rt.spreadsheet.records(LOG) : [];
}

it('an edit whose lead AmoCRM refuses is logged as failed', async () => {
  await w.fake.admin.inject({
    match: { path: '/api/v4/leads/complex' },
    action: { status: 400, body: { title: 'Bad Request', detail: 'price is too high' } },
  });
  const [run] = w.type([person(1)]);
  expect(run.error).toBeNull();
  expect(String(w.row(0).sync_status)).toMatch(/^error: .*price is too high/);
  expect(logLines()).toEqual([
    expect.objectContaining({
      flow: 'edit',
      outcome: 'failed',
      message: expect.stringMatching(/price is too high/),
    }),
  ]);
});

it('a row that failed and then syncs is logged as recovered', async () => {
  await w.fake.admin.inject({
    match: { path: '/api/v4/leads/complex' },
    action: { status: 400, body: { title: 'Bad Request', detail: 'price is too high' } },
  });
  w.type([person(1)]);
  expect(String(w.row(0).sync_status)).toMatch(/^error: .*price is too high/);
  await w.fake.admin.clearFaults();
  w.edit(2, 'budget', 10);
  expect(String(w.row(0).sync_status)).toMatch(/^✓ synced/);
  expect(logLines()[0]).toEqual(
    expect.objectContaining({
      outcome: 'recovered',
      'row or lead': 'row 2',
      message: 'the row had an error and is synced again',
    })
  );
});

it('an edit deferred because the script lock is busy is logged as deferred, by the next writer', () => {
  w.rt.locks.holdScriptLock();
  w.type([person(1)]);
  // Without the lock the line waits in Script Properties: the log sheet is not touched.
  expect(logLines()).toEqual([]);
  w.rt.locks.releaseHeld();
  w.rt.run('runBackgroundWork', { type: 'time' });
  expect(logLines()).toContainEqual(expect.objectContaining({ flow: 'edit', outcome: 'deferred' }));
});

it('the same failure in Sync now is logged (control)', async () => {
  w.rt.locks.holdScriptLock();
  w.type([person(1)]);
  w.rt.locks.releaseHeld();
  await w.fake.admin.inject({
    match: { path: '/api/v4/leads/complex' },
    action: { status: 400, body: { title: 'Bad Request', detail: 'price is too high' } },
  });
  w.rt.run('syncNow');
  expect(logLines()).toContainEqual(
    expect.objectContaining({
      flow: 'sync',
      outcome: 'failed',
      message: expect.stringMatching(/price is too high/),
    })
  );
});
