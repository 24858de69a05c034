// Long work the menu starts and the background run finishes, through the built bundle: an
// import of 500 rows whose run reaches its work limit after the first batch tells the person
// how many rows are done of how many, and the background run that does the rest says so — in
// the log sheet and in a toast — in the spreadsheet's language.
import { HEADERS, SHEET, World } from '../../sandbox/world';

const ROWS = 500;
const FOUR_AND_A_HALF_MINUTES = 4.5 * 60 * 1000;

function rows(n: number): unknown[][] {
  return Array.from({ length: n }, (_, i) => {
    const r: Record<string, unknown> = {
      name: `Клиент ${i + 1}`,
      email: `client${i + 1}@example.ru`,
    };
    return HEADERS.map(h => (h in r ? r[h] : ''));
  });
}

describe.each([
  [
    'ru_RU',
    /^Импортировано 350, ошибок 0, осталось 150\.\nГотово 350 из 500 строк; остальное сделает фоновый запуск/,
    'Импорт, запущенный из меню, завершён: готово строк — 500.',
    'завершено',
  ],
  [
    'en_US',
    /^Imported 350, errors 0, left 150\.\n350 of 500 rows done; the background run \(every minute\) does the rest/,
    'The import started from the menu has finished: 500 rows done.',
    'finished',
  ],
])('an import the background run finishes (%s)', (locale, told, finished, outcome) => {
  let w: World;
  beforeAll(async () => {
    w = await World.start({ runtime: { spreadsheetLocale: locale }, webhooks: false });
    w.run('installTriggers');
    w.rt.spreadsheet.setValues(SHEET, 2, 1, rows(ROWS), { raw: true });
  });
  afterAll(() => w.stop());

  it('says how many rows are done of how many when the run stops early', () => {
    let batches = 0;
    // The first batch of creates takes the whole work budget (a slow AmoCRM).
    w.rt.hooks.afterFetch = request => {
      if (request.url.includes('/api/v4/leads/complex') && batches++ === 0) {
        w.rt.clock.advance(FOUR_AND_A_HALF_MINUTES);
      }
    };
    const result = w.run('importExistingRows');
    w.rt.hooks.afterFetch = undefined;
    const toasts = w.rt.ui.toasts.filter(t => t.executionId === result.executionId);
    expect(toasts.at(-1)?.message).toMatch(told);
    expect(w.rows().filter(r => r.amo_deal_id === '')).toHaveLength(150);
  });

  it('says when the background run has finished what the menu started', async () => {
    w.rt.clock.advance(10 * 60 * 1000);
    const [run] = w.rt.fireTimeTriggers();
    expect(run.error).toBeNull();
    expect(w.rows().filter(r => r.amo_deal_id === '')).toHaveLength(0);
    expect(w.rt.ui.toasts.filter(t => t.executionId === run.executionId)).toEqual([
      expect.objectContaining({ message: finished }),
    ]);
    const log = w.rt.spreadsheet.values('AmoCRM log');
    expect(log.slice(1).map(line => [line[3], line[4]])).toContainEqual([outcome, finished]);
    expect((await w.fake.admin.state()).leads).toHaveLength(ROWS);
    // Said once: the next background run has nothing more to announce.
    w.rt.clock.advance(10 * 60 * 1000);
    const [next] = w.rt.fireTimeTriggers();
    expect(w.rt.ui.toasts.filter(t => t.executionId === next.executionId)).toEqual([]);
  });
});

describe('an import long enough to be watched', () => {
  it('shows rows done of rows to do while it works, before its summary', async () => {
    const w = await World.start({ runtime: { spreadsheetLocale: 'en_US' }, webhooks: false });
    try {
      w.run('installTriggers');
      w.rt.spreadsheet.setValues(SHEET, 2, 1, rows(2000), { raw: true });
      const run = w.run('importExistingRows');
      const told = w.rt.ui.toasts.filter(t => t.executionId === run.executionId);
      const progress = told.filter(t => /^Working: \d+ of 2000 rows done…$/.test(t.message));
      expect(progress.length).toBeGreaterThan(0);
      const counts = progress.map(t => Number(/(\d+) of/.exec(t.message)?.[1]));
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(counts.every(n => n > 0 && n < 2000)).toBe(true);
      expect(told[told.length - 1].message).toMatch(/^Imported 2000, errors 0, left 0/);
    } finally {
      await w.stop();
    }
  });
});
