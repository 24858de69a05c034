// The language of everything a person reads, end to end through the built bundle: a ru_RU
// spreadsheet gets a Russian menu, toasts, alerts and log sheet; an en_US one English; the
// Script Property UI_LANGUAGE overrides the locale. And an unconfigured script: its background
// run changes nothing and throws nothing, Sync now and Import say what to fill in without a
// property name, and Install triggers refuses instead of installing a trigger that would fail.
import { World, SHEET } from '../../sandbox/world';

const PERSON = { name: 'Анна Петрова', phone: '8 912 345-67-89', email: 'anna@example.ru' };
const PROPERTY = /AMO_[A-Z_]+|WEBHOOK_SECRET|SHEET_NAME|DEFAULT_PHONE_REGION/;

function captions(w: World): string[] {
  return (w.rt.ui.menu('AmoCRM')?.items ?? []).map(i => i.caption).filter(Boolean);
}

function toastsOf(w: World, executionId: string): Array<{ title: string; message: string }> {
  return w.rt.ui.toasts.filter(t => t.executionId === executionId);
}

describe('a Russian spreadsheet (ru_RU, Europe/Moscow)', () => {
  let w: World;
  beforeAll(async () => {
    w = await World.start({
      runtime: { spreadsheetLocale: 'ru_RU', spreadsheetTimeZone: 'Europe/Moscow' },
    });
  });
  afterAll(() => w.stop());

  it('gets a Russian menu that first offers the next step, the triggers', () => {
    w.rt.openSpreadsheet();
    expect(captions(w)).toEqual([
      'Установить триггеры (следующий шаг)',
      'Синхронизировать сейчас',
      'Импортировать строки',
      'Добавить сделки AmoCRM строками',
      'Настройки…',
      'Показать адрес вебхука',
      'Открыть журнал',
    ]);
    expect(w.rt.ui.toasts.at(-1)).toMatchObject({
      title: 'AmoCRM: настройка',
      message: expect.stringMatching(/^Настройки сохранены, но триггеры не установлены/),
    });
  });

  it('installs the triggers saying so in Russian, and then shows the everyday menu', () => {
    const result = w.run('installTriggers');
    expect(toastsOf(w, result.executionId)).toEqual([
      expect.objectContaining({
        title: 'AmoCRM: триггеры',
        message: expect.stringMatching(/^Триггеры установлены: правки синхронизируются сразу/),
      }),
    ]);
    w.rt.openSpreadsheet();
    expect(captions(w).slice(0, 4)).toEqual([
      'Синхронизировать сейчас',
      'Импортировать строки',
      'Добавить сделки AmoCRM строками',
      'Настройки…',
    ]);
  });

  it('says what Sync now did in Russian', () => {
    w.type([PERSON]);
    expect(w.row(0).amo_deal_id).not.toBe('');
    const sync = w.run('syncNow');
    expect(toastsOf(w, sync.executionId)).toEqual([
      expect.objectContaining({
        title: 'AmoCRM: синхронизация',
        message:
          'Создано 0, обновлено 0, без изменений 1, ошибок 0, ожидают 0; строк обновлено из AmoCRM 0.',
      }),
    ]);
  });

  it('says an AmoCRM failure first and the summary after, in one toast, and logs it in Russian', async () => {
    await w.fake.admin.inject({
      match: { path: '/api/v4/leads/complex' },
      action: { status: 400, body: { title: 'Bad Request', detail: 'price is too high' } },
    });
    w.rt.locks.holdScriptLock();
    w.type([{ name: 'Борис', email: 'boris@example.ru' }]);
    w.rt.locks.releaseHeld();
    const sync = w.run('syncNow');
    const told = toastsOf(w, sync.executionId);
    expect(told).toHaveLength(1);
    expect(told[0].message.split('\n')).toEqual([
      expect.stringMatching(/^Создано 0, обновлено 0, без изменений 1, ошибок 1/),
      'Строк с ошибкой: 1. Причина — в столбце sync_status и на листе журнала AmoCRM.',
    ]);
    const log = w.rt.spreadsheet.values('AmoCRM log');
    expect(log[0]).toEqual(['время', 'действие', 'строка или сделка', 'итог', 'сообщение']);
    expect(log.slice(1).map(line => [line[1], line[3]])).toContainEqual([
      'синхронизация',
      'ошибка',
    ]);
  });

  it("writes sync_status in Russian words and Moscow time, and a bad row's error as «ошибка»", () => {
    // The clock says 09:0x UTC: Moscow is three hours ahead.
    expect(String(w.row(0).sync_status)).toMatch(/^✓ синхронизировано 24 ноя 12:0\d$/);
    w.type([{ name: 'Плохой', phone: '12ab' }]);
    const bad = w.rows().find(r => r.name === 'Плохой');
    expect(String(bad?.sync_status)).toMatch(/^ошибка: телефон/);
    expect(String(bad?.sync_status)).not.toMatch(/[a-z]{4,}/);
  });

  it('shows the Settings… dialog in Russian', () => {
    w.run('showSettings');
    const dialog = w.rt.ui.dialogs.at(-1);
    expect(dialog?.title).toBe('Настройки AmoCRM');
    expect(dialog?.html).toContain('<html lang="ru">');
    expect(dialog?.html).toContain('"save":"Сохранить"');
  });

  it('names the log sheet when there is none yet, in Russian', async () => {
    const fresh = await World.start({ runtime: { spreadsheetLocale: 'ru_RU' }, webhooks: false });
    const result = fresh.run('openSyncLog');
    expect(toastsOf(fresh, result.executionId)[0].message).toBe('В журнале пока ничего нет.');
    await fresh.stop();
  });
});

describe('an English spreadsheet (en_US)', () => {
  let w: World;
  beforeAll(async () => {
    w = await World.start({ runtime: { spreadsheetLocale: 'en_US' } });
  });
  afterAll(() => w.stop());

  it('gets an English menu, toasts and log', async () => {
    w.rt.openSpreadsheet();
    expect(captions(w)[0]).toBe('Install triggers (next step)');
    w.run('installTriggers');
    w.rt.openSpreadsheet();
    expect(captions(w)).toEqual([
      'Sync now',
      'Import existing rows',
      'Add AmoCRM leads as rows',
      'Settings…',
      'Install triggers',
      'Show webhook URL',
      'Open sync log',
    ]);
    await w.fake.admin.inject({
      match: { path: '/api/v4/leads/complex' },
      action: { status: 400, body: { title: 'Bad Request', detail: 'price is too high' } },
    });
    w.rt.locks.holdScriptLock();
    w.type([{ name: 'Ann', email: 'ann@example.com' }]);
    w.rt.locks.releaseHeld();
    const sync = w.run('syncNow');
    expect(toastsOf(w, sync.executionId)).toEqual([
      expect.objectContaining({
        title: 'AmoCRM sync',
        message: expect.stringMatching(
          /^Created 0, updated 0, unchanged 0, errors 1,.*\n1 row has an error/
        ),
      }),
    ]);
    expect(w.rt.spreadsheet.values('AmoCRM log')[0]).toEqual([
      'time',
      'flow',
      'row or lead',
      'outcome',
      'message',
    ]);
  });

  it('speaks Russian when UI_LANGUAGE says ru', () => {
    w.rt.properties.script.set('UI_LANGUAGE', 'ru');
    w.rt.openSpreadsheet();
    expect(captions(w)[0]).toBe('Синхронизировать сейчас');
    w.rt.properties.script.delete('UI_LANGUAGE');
  });
});

describe('a script that is not set up', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ webhooks: false });
    w.rt.properties.script.clear();
    w.type([PERSON]);
  });
  afterEach(() => w.stop());

  it('runs in the background without changing or throwing anything', async () => {
    const sheets = JSON.stringify(
      w.rt.spreadsheet.sheetNames().map(n => w.rt.spreadsheet.values(n))
    );
    const props = JSON.stringify(w.rt.properties.script.all());
    const before = await w.fake.admin.state();
    const result = w.rt.run('runBackgroundWork', { type: 'time' });
    expect(result.error).toBeNull();
    expect(result.counters.httpRequests).toBe(0);
    expect(JSON.stringify(w.rt.spreadsheet.sheetNames().map(n => w.rt.spreadsheet.values(n)))).toBe(
      sheets
    );
    expect(JSON.stringify(w.rt.properties.script.all())).toBe(props);
    expect(w.rt.spreadsheet.sheetNames()).not.toContain('AmoCRM log');
    expect((await w.fake.admin.state()).leads).toHaveLength(before.leads.length);
  });

  it('says on Sync now and Import what to fill in, in words, and touches nothing', () => {
    const row = { ...w.row(0) };
    for (const fn of ['syncNow', 'importExistingRows']) {
      const result = w.run(fn);
      const told = toastsOf(w, result.executionId);
      expect(told).toEqual([
        expect.objectContaining({
          title: 'AmoCRM: set-up',
          message:
            'Nothing was synced: the script is not set up yet. Open AmoCRM → Settings… and fill in ' +
            'the AmoCRM account address, a long-lived token (or the OAuth fields), the pipeline and ' +
            'starting status for new leads, then press Save.',
        }),
      ]);
      expect(told[0].message).not.toMatch(PROPERTY);
      expect(result.counters.httpRequests).toBe(0);
    }
    expect(w.row(0)).toEqual(row);
  });

  it('refuses to install triggers, with an alert that says what to do first', () => {
    const result = w.run('installTriggers');
    expect(w.rt.triggers.list).toHaveLength(0);
    const alert = w.rt.ui.alerts.find(a => a.executionId === result.executionId);
    expect(alert?.title).toBe('AmoCRM triggers');
    expect(alert?.prompt).toMatch(
      /^Triggers not installed: the script is not set up yet\. Open AmoCRM → Settings…/
    );
    expect(alert?.prompt).not.toMatch(PROPERTY);
  });

  it('opens with Settings… first and a hint of where to start', () => {
    w.rt.openSpreadsheet();
    expect(captions(w)[0]).toBe('Settings… (start here)');
    expect(captions(w)).toContain('Sync now');
    expect(w.rt.ui.toasts.at(-1)?.message).toMatch(
      /^AmoCRM sync is not set up yet: open AmoCRM → Settings…/
    );
  });

  it('leaves a row typed by a person alone when the edit trigger outlived the settings', () => {
    const results = w.rt.run('handleEdit', { type: 'edit', sheet: SHEET, row: 2, column: 1 });
    expect(results.error).toBeNull();
    expect(results.counters.httpRequests).toBe(0);
  });
});
