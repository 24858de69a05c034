// The first run, driven as a person would through the built bundle: an empty Russian
// spreadsheet, a script with no settings, the menu that says where to start, the Settings…
// dialog's calls (google.script.run) with the account address pasted from the address bar, Load
// pipelines, Save (which installs the triggers and offers the missing columns), Add columns,
// and a typed row that becomes a lead in AmoCRM, with the log and the state of the next
// opening in Russian.
import { MAIN_PIPELINE, startFakeAmo, type FakeAmoHandle } from '../../sandbox/amo-fake';
import { LocalRuntime, type WebApp } from '../../sandbox/runtime';

const SHEET = 'Лист1';

let fake: FakeAmoHandle;
let rt: LocalRuntime;
let web: WebApp;
let token: string;

beforeAll(async () => {
  fake = await startFakeAmo();
  rt = new LocalRuntime({
    startTime: Date.UTC(2026, 11, 3, 9, 0, 0),
    sheets: [SHEET],
    spreadsheetLocale: 'ru_RU',
    spreadsheetTimeZone: 'Europe/Moscow',
  });
  web = await rt.startWebApp();
  token = await fake.admin.createLongLivedToken({ now: rt.clock.now() });
});

afterAll(async () => {
  await web.stop();
  await rt.dispose();
  await fake.stop();
});

/** What the dialog's page does: a google.script.run call, answered or thrown. */
function dialogCall(fn: string, arg?: unknown): Record<string, unknown> {
  const result = rt.run(fn, { type: 'client', arg });
  if (result.error) throw new Error(`${fn}: ${result.error}`);
  return result.returned as Record<string, unknown>;
}

function menu(): string[] {
  return (rt.ui.menu('AmoCRM')?.items ?? []).map(i => i.caption).filter(Boolean);
}

it('goes from an empty spreadsheet to a synced row', async () => {
  // 1. Opening: the menu starts with Settings…, and a toast says why.
  rt.openSpreadsheet();
  expect(menu()[0]).toBe('Настройки… (начните здесь)');
  expect(rt.ui.toasts.at(-1)?.message).toMatch(/^Синхронизация с AmoCRM ещё не настроена/);

  // 2. Settings…: the dialog in Russian. Before the deployed web app was opened once, the
  // script cannot know its /exec URL and says how to get it.
  rt.run('showSettings');
  expect((dialogCall('settingsLoad').state as { lines: string[] }).lines[0]).toBe(
    'Вебхук: разверните скрипт как веб-приложение и один раз откройте его адрес (оканчивается на /exec) в браузере'
  );
  // The person opens the web app's URL once (Deploy → Manage deployments → Web app → URL).
  expect(rt.run('doGet', { type: 'get' }).error).toBeNull();
  expect(rt.ui.dialogs.at(-1)?.html).toContain('<html lang="ru">');
  const first = dialogCall('settingsLoad');
  expect((first.state as { lines: string[] }).lines).toEqual([
    'Вебхук: адрес появится после сохранения',
    'Триггеры: не установлены (сохранение их установит)',
    'Последняя синхронизация: ещё не было',
  ]);

  // 3. The address as the browser shows it, the token; Test connection, Load pipelines.
  const form: Record<string, string> = {
    // Pasted from the address bar (the fake is no amocrm.ru host, so only the slash goes).
    AMO_BASE_URL: ` ${fake.url}/ `,
    AMO_LONG_LIVED_TOKEN: token,
    AMO_CLIENT_ID: '',
    AMO_REDIRECT_URI: '',
    AMO_CLIENT_SECRET: '',
    AMO_AUTH_CODE: '',
    WEBHOOK_SECRET: '',
    SHEET_NAME: '',
    DEFAULT_PHONE_REGION: '',
    AMO_PIPELINE_ID: '',
    AMO_STATUS_ID: '',
    subscribeWebhook: 'false',
  };
  const test = dialogCall('settingsTestConnection', form);
  expect(test).toMatchObject({
    ok: true,
    message: expect.stringMatching(/^Подключено к аккаунту/),
  });
  const loaded = dialogCall('settingsLoadPipelines', form) as {
    ok: boolean;
    pipelines: Array<{ id: number; name: string; statuses: Array<{ id: number; name: string }> }>;
  };
  const pipeline = loaded.pipelines.find(p => p.id === MAIN_PIPELINE.id);
  expect(pipeline?.statuses[0].name).toBe('Первичный контакт');

  // 4. Save with the pipeline chosen and the webhook subscribed.
  form.AMO_PIPELINE_ID = String(pipeline?.id);
  form.AMO_STATUS_ID = String(pipeline?.statuses[0].id);
  form.subscribeWebhook = 'true';
  const saved = dialogCall('settingsSave', form) as {
    ok: boolean;
    message: string;
    view: { missingColumns: string[]; pipelineNames: unknown; state: { lines: string[] } };
  };
  expect(saved.ok).toBe(true);
  expect(saved.message).toMatch(/^Сохранено\. Подключено к аккаунту AmoCRM/);
  expect(saved.message).toContain('Триггеры установлены: правки синхронизируются сами.');
  expect(saved.message).toContain(
    'На листе «Лист1» нет столбцов, в которые пишет скрипт: Имя, Телефон'
  );
  expect(rt.properties.script.get('AMO_BASE_URL')).toBe(fake.url);
  expect(rt.triggers.list.map(t => `${t.eventType} ${t.handler}`).sort()).toEqual([
    'CLOCK runBackgroundWork',
    'ON_EDIT handleEdit',
  ]);
  expect(saved.view.pipelineNames).toEqual({ pipeline: 'Воронка', status: 'Первичный контакт' });
  expect(saved.view.state.lines.slice(0, 2)).toEqual([
    'Вебхук: подписан в AmoCRM',
    'Триггеры: установлены',
  ]);
  const hooks = (await fake.admin.state()).webhooks;
  expect(hooks.map(h => h.destination)).toEqual([
    expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/exec\?secret=/),
  ]);

  // 5. Add columns: Russian headers the script recognises.
  const added = dialogCall('settingsAddColumns') as { ok: boolean; message: string };
  expect(added.ok).toBe(true);
  expect(rt.spreadsheet.values(SHEET)[0]).toEqual([
    'Имя',
    'Телефон',
    'Эл. почта',
    'Бюджет',
    'ID сделки',
    'ID контакта',
    'Ссылка на сделку',
    'Статус',
    'Внешний ID',
    'Статус синхронизации',
  ]);

  // 6. Reopening: the everyday menu, no set-up hint.
  const toastsBefore = rt.ui.toasts.length;
  rt.openSpreadsheet();
  expect(menu().slice(0, 2)).toEqual(['Синхронизировать сейчас', 'Импортировать строки']);
  expect(rt.ui.toasts).toHaveLength(toastsBefore);

  // 7. A person types a row: the installed trigger makes the contact and the lead.
  rt.userEdit({
    sheet: SHEET,
    row: 2,
    column: 1,
    values: [['Анна Петрова', '8 912 345-67-89', 'anna@example.ru', '150000']],
  });
  const row = rt.spreadsheet.records(SHEET)[0];
  expect(row['ID сделки']).toMatch(/^\d+$/);
  expect(row['Статус']).toBe('Первичный контакт');
  expect(String(row['Статус синхронизации'])).not.toMatch(/^(error|ошибка)/);
  const state = await fake.admin.state();
  expect(state.leads).toHaveLength(1);
  expect(state.leads[0]).toMatchObject({ price: 150000, pipeline_id: MAIN_PIPELINE.id });

  // 8. Sync now: a Russian summary, and the last sync shown in Moscow time.
  const sync = rt.run('syncNow');
  expect(rt.ui.toasts.filter(t => t.executionId === sync.executionId)).toEqual([
    expect.objectContaining({
      title: 'AmoCRM: синхронизация',
      message: expect.stringMatching(/^Создано 0, обновлено 0, без изменений 1/),
    }),
  ]);
  const after = dialogCall('settingsLoad') as { state: { lines: string[] } };
  expect(after.state.lines[2]).toMatch(/^Последняя синхронизация: 3 дек 12:\d\d$/);
});
