// What Settings… does to guide a first run, against in-memory ports and a fake AmoCRM: the
// account address taken as people type it, the triggers installed by Save, the state of the
// webhook, the triggers and the last sync at the top (in the sheet's time zone and language),
// the pipeline and status names on reopening, and the sheet's missing columns offered and added
// with headers in the sheet's language.
import { addColumns, loadSettings, saveSettings } from '../../src/ui/settings';
import { normalizeBaseUrl } from '../../src/sync/config';
import { MemorySheet } from '../support/memory-sheet';
import { FakeAmo } from './support/fake-amo';
import { dialogForm } from './support/form';
import { memoryPorts } from './support/memory-ports';

const TOKEN = 'long-lived-token-0123456789';
const FORM = {
  AMO_BASE_URL: 'example.amocrm.ru',
  AMO_LONG_LIVED_TOKEN: TOKEN,
  AMO_PIPELINE_ID: '3177727',
  AMO_STATUS_ID: '32392159',
};

let amo: FakeAmo;
beforeEach(() => {
  amo = new FakeAmo();
  amo.acceptedToken = TOKEN;
});

describe('the account address', () => {
  it.each([
    ['mycompany.amocrm.ru', 'https://mycompany.amocrm.ru'],
    ['https://mycompany.kommo.com/leads/pipeline/1', 'https://mycompany.kommo.com'],
    ['  HTTPS://MyCompany.amocrm.ru/?tab=1#x ', 'https://mycompany.amocrm.ru'],
    ['mycompany.amocrm.ru/leads/detail/5', 'https://mycompany.amocrm.ru'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://localhost:8080/', 'http://localhost:8080'],
    ['https://proxy.example.com/amo/?x=1', 'https://proxy.example.com/amo'],
    ['https://x.amocrm.com/settings/widgets/', 'https://x.amocrm.com'],
  ])('%s → %s', (typed, origin) => {
    expect(normalizeBaseUrl(typed)).toBe(origin);
  });

  it.each(['', 'mycompany', 'my company.amocrm.ru', 'ftp://x.amocrm.ru', 'https://', 'a@b.ru'])(
    'refuses %j',
    typed => expect(normalizeBaseUrl(typed)).toBeNull()
  );

  it('is saved as the origin when typed as the browser shows it', () => {
    const ports = memoryPorts(amo, {});
    const form = { ...FORM, AMO_BASE_URL: 'https://example.amocrm.ru/leads/pipeline/3177727' };
    expect(saveSettings(ports, dialogForm(form)).ok).toBe(true);
    expect(ports.props.get('AMO_BASE_URL')).toBe('https://example.amocrm.ru');
    expect(amo.requests.every(r => !r.path.startsWith('/leads/pipeline'))).toBe(true);
  });
});

describe('Save', () => {
  it('installs the triggers and says so, with the next step', () => {
    const ports = memoryPorts(amo, {});
    ports.spreadsheet.sheets.set(
      'Leads',
      new MemorySheet([
        [
          'name',
          'phone',
          'email',
          'budget',
          'amo_deal_id',
          'amo_contact_id',
          'amo_link',
          'status',
          'external_id',
          'sync_status',
        ],
      ])
    );
    const answer = saveSettings(ports, dialogForm(FORM));
    expect(ports.triggers.installed.map(t => `${t.kind} ${t.handler}`)).toEqual([
      'edit handleEdit',
      'clock runBackgroundWork',
    ]);
    expect(answer.ok && answer.message).toMatch(
      /The triggers are installed: edits sync by themselves\. Next: AmoCRM → Import existing rows/
    );
    expect(answer.ok && answer.view.state.triggers).toBe(true);
  });

  it('offers the missing columns of an empty sheet, and Add columns writes them', () => {
    const ports = memoryPorts(amo, {});
    const answer = saveSettings(ports, dialogForm(FORM));
    expect(answer.ok && answer.view.missingColumns).toEqual([
      'name',
      'phone',
      'email',
      'budget',
      'amo_deal_id',
      'amo_contact_id',
      'amo_link',
      'status',
      'external_id',
      'sync_status',
    ]);
    expect(answer.ok && answer.message).toMatch(
      /The sheet "Leads" lacks the columns the script writes: name, phone/
    );
    const added = addColumns(ports);
    expect(added.ok && added.message).toMatch(/^Columns added to the sheet: name, phone, email/);
    const sheet = ports.spreadsheet.sheets.get('Leads') as MemorySheet;
    expect(sheet.cells[0]).toHaveLength(10);
    expect(added.ok && added.view.missingColumns).toEqual([]);
    const again = addColumns(ports);
    expect(again.ok && again.message).toBe(
      'Next: AmoCRM → Import existing rows, or type a new row.'
    );
    expect(sheet.cells[0]).toHaveLength(10);
  });

  it("adds only the script columns next to a Russian sheet's own, with Russian headers", () => {
    const ports = memoryPorts(amo, {});
    ports.spreadsheet.localeName = 'ru_RU';
    ports.spreadsheet.sheets.set('Leads', new MemorySheet([['Имя', 'Телефон', 'Комментарий']]));
    const answer = saveSettings(ports, dialogForm(FORM));
    expect(answer.ok && answer.message).toMatch(
      /^Сохранено\. Подключено к аккаунту AmoCRM «example»\./
    );
    expect(answer.ok && answer.view.missingColumns).toEqual([
      'ID сделки',
      'ID контакта',
      'Ссылка на сделку',
      'Статус',
      'Внешний ID',
      'Статус синхронизации',
    ]);
    expect(addColumns(ports).ok).toBe(true);
    expect((ports.spreadsheet.sheets.get('Leads') as MemorySheet).cells[0]).toEqual([
      'Имя',
      'Телефон',
      'Комментарий',
      'ID сделки',
      'ID контакта',
      'Ссылка на сделку',
      'Статус',
      'Внешний ID',
      'Статус синхронизации',
    ]);
  });
});

describe('reopening Settings…', () => {
  it('shows the pipeline and status names saved last time, without asking AmoCRM', () => {
    const ports = memoryPorts(amo, {});
    expect(saveSettings(ports, dialogForm(FORM)).ok).toBe(true);
    const before = amo.requests.length;
    expect(loadSettings(ports).pipelineNames).toEqual({
      pipeline: 'Воронка',
      status: 'Первичный контакт',
    });
    expect(amo.requests).toHaveLength(before);
  });

  it('forgets the names when the ids were changed elsewhere', () => {
    const ports = memoryPorts(amo, {});
    saveSettings(ports, dialogForm(FORM));
    ports.props.set('AMO_STATUS_ID', '32392165');
    expect(loadSettings(ports).pipelineNames).toBeNull();
  });

  it('says at the top whether the webhook and triggers are on and when the last sync was', () => {
    const ports = memoryPorts(amo, {});
    saveSettings(ports, dialogForm({ ...FORM, subscribeWebhook: 'true' }));
    ports.props.set('SYNC_LAST_SYNC_AT', String(Date.UTC(2026, 11, 3, 9, 4)));
    expect(loadSettings(ports).state.lines).toEqual([
      'Webhook: subscribed in AmoCRM',
      'Triggers: installed',
      'Last sync: 3 Dec 12:04',
    ]);
    ports.spreadsheet.localeName = 'ru_RU';
    expect(loadSettings(ports).state.lines).toEqual([
      'Вебхук: подписан в AmoCRM',
      'Триггеры: установлены',
      'Последняя синхронизация: 3 дек 12:04',
    ]);
  });

  it('says before the first save what is not there yet, and opens on the long-lived token', () => {
    const ports = memoryPorts(amo, {});
    ports.triggers.url = null;
    const view = loadSettings(ports);
    expect(view.state.lines).toEqual([
      'Webhook: deploy the script as a web app and open its URL (ending in /exec) once in a browser',
      'Triggers: not installed (saving installs them)',
      'Last sync: never',
    ]);
    expect(view.auth).toBe('token');
    expect(view.deployed).toBe(false);
    expect(view.lang).toBe('en');
  });

  it('opens on OAuth when that is what is stored', () => {
    const ports = memoryPorts(amo, { AMO_CLIENT_ID: 'c', AMO_CLIENT_SECRET: 's-123456' });
    expect(loadSettings(ports).auth).toBe('oauth');
  });
});

describe('the choice between a long-lived token and OAuth', () => {
  it('leaves a stored long-lived token out when OAuth is chosen, so OAuth is used', () => {
    const ports = memoryPorts(amo, {
      AMO_LONG_LIVED_TOKEN: TOKEN,
      AMO_BASE_URL: 'https://example.amocrm.ru',
    });
    const form = dialogForm({
      ...FORM,
      AMO_LONG_LIVED_TOKEN: '',
      AMO_CLIENT_ID: 'client-1',
      authMode: 'oauth',
    });
    const answer = saveSettings(ports, form);
    expect(answer).toEqual({
      ok: false,
      error: 'For OAuth, fill in Secret key, Redirect URI.',
      fields: { AMO_CLIENT_SECRET: 'For OAuth, fill in Secret key, Redirect URI.' },
    });
    expect(amo.requests).toEqual([]);
  });

  it('keeps the stored token when the token is chosen', () => {
    const ports = memoryPorts(amo, { AMO_LONG_LIVED_TOKEN: TOKEN });
    const answer = saveSettings(
      ports,
      dialogForm({ ...FORM, AMO_LONG_LIVED_TOKEN: '', authMode: 'token' })
    );
    expect(answer.ok).toBe(true);
    expect(ports.props.get('AMO_LONG_LIVED_TOKEN')).toBe(TOKEN);
  });
});
