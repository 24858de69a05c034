// Concurrent executions: a second execution runs while the first is blocked in a request to
// AmoCRM (runtime.hooks.afterFetch runs it nested, as Apps Script would run it in parallel).
// Whatever interleaves, once the background runs and Sync now have run: one row, one lead,
// the sheet and AmoCRM agree, nothing left in error, no uncaught exception.
import {
  failures,
  MINUTE,
  people,
  person,
  placeRows,
  SHEET,
  sheetMatchesAmo,
  startWorld,
  World,
} from './kit';
import type { RunResult, WorldOptions } from './kit';

/** Runs `nested` once, right after the first response whose URL matches `url`. */
function during(
  w: World,
  url: RegExp,
  nested: () => RunResult[] | RunResult | void
): () => boolean {
  let fired = false;
  w.rt.hooks.afterFetch = req => {
    if (fired || !url.test(req.url)) return;
    fired = true;
    nested();
  };
  return () => fired;
}

async function healed(w: World, from: number): Promise<string[]> {
  delete w.rt.hooks.afterFetch;
  const flowFailures = failures(w, from, false);
  w.rt.clock.advance(7 * MINUTE);
  const recovery = w.rt.executions.length;
  w.rt.run('runBackgroundWork', { type: 'time' });
  w.rt.run('runBackgroundWork', { type: 'time' });
  w.rt.run('syncNow');
  return [...flowFailures, ...failures(w, recovery, false), ...(await sheetMatchesAmo(w))];
}

async function withWorld(options: WorldOptions, body: (w: World) => Promise<void>): Promise<void> {
  const w = await startWorld(options);
  try {
    await body(w);
  } finally {
    await w.stop();
  }
}

const COMPLEX = /\/api\/v4\/leads\/complex/;

it('a second paste, and edits of rows being created, while a 50-row paste creates its leads', async () => {
  await withWorld({}, async w => {
    const from = w.rt.executions.length;
    const fired = during(w, COMPLEX, () => {
      w.type(people(10, 'second')); // rows 52–61
      w.edit(3, 'budget', 333); // a row of the first paste, not yet linked
      w.edit(7, 'email', 'changed@example.com');
    });
    w.type(people(50, 'first'));
    expect(fired()).toBe(true);
    expect(await healed(w, from)).toEqual([]);
    expect(w.rows()).toHaveLength(60);
    expect(Number(w.row(1).budget)).toBe(333);
  });
});

it('Sync now clicked while an import is creating its leads', async () => {
  await withWorld({}, async w => {
    placeRows(w, people(120, 'imp'));
    const from = w.rt.executions.length;
    const fired = during(w, COMPLEX, () => w.rt.run('syncNow'));
    w.rt.run('importExistingRows');
    expect(fired()).toBe(true);
    expect(await healed(w, from)).toEqual([]);
  });
});

it('the sheet sorted, and rows inserted above, while leads are being created', async () => {
  await withWorld({}, async w => {
    const from = w.rt.executions.length;
    const fired = during(w, COMPLEX, () => {
      w.rt.spreadsheet.sortBy(SHEET, 1, false);
      w.rt.spreadsheet.insertRowsAt(SHEET, 2, 3);
    });
    w.type(people(8, 'sort'));
    expect(fired()).toBe(true);
    expect(await healed(w, from)).toEqual([]);
    expect(w.rows().filter(r => r.name !== '')).toHaveLength(8);
  });
});

it('two executions both need a new access token at once (OAuth): one renewal, both rows synced', async () => {
  await withWorld({ oauth: true }, async w => {
    w.type([person(1)]);
    w.rt.clock.advance(MINUTE);
    await w.fake.admin.expireAccessTokens(w.now());
    const from = w.rt.executions.length;
    const fired = during(w, /\/oauth2\/access_token/, () => {
      w.type([person(2)]);
    });
    w.edit(2, 'budget', 4321);
    expect(fired()).toBe(true);
    expect(await healed(w, from)).toEqual([]);
    expect((await w.fake.admin.lead(Number(w.row(0).amo_deal_id)))?.price).toBe(4321);
    // The script still has its access: a later edit goes through without a new auth code.
    w.rt.clock.advance(MINUTE);
    const [later] = w.edit(3, 'budget', 99);
    expect(later.error).toBeNull();
    expect((await w.fake.admin.lead(Number(w.row(1).amo_deal_id)))?.price).toBe(99);
  });
});

it('a webhook for a lead being created arrives before the script wrote it down', async () => {
  await withWorld({}, async w => {
    const state = await w.fake.admin.state();
    const from = w.rt.executions.length;
    let answer = '';
    const fired = during(w, COMPLEX, () => {
      const r = w.rt.run('doPost', {
        type: 'post',
        query: `secret=${encodeURIComponent(w.rt.properties.script.get('WEBHOOK_SECRET') ?? '')}`,
        contentType: 'application/x-www-form-urlencoded',
        body: `account%5Bsubdomain%5D=${state.config.subdomain}&leads%5Badd%5D%5B0%5D%5Bid%5D=${(state.leads.at(-1)?.id ?? 0) + 1}`,
      });
      answer = r.output?.content ?? '';
    });
    w.type([person(1, 'hook')]);
    expect(fired()).toBe(true);
    expect(JSON.parse(answer)).toEqual(expect.objectContaining({ ok: true }));
    expect(await healed(w, from)).toEqual([]);
  });
});
