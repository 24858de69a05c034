// The Settings… dialog's page in a real headless browser (Chromium through playwright-core:
// support/chromium.ts says which), with google.script.run stubbed: it renders every field from
// the server's view, keeps secrets out of the page, shows server errors as text, and calls the
// right server function with the form's values. The view it renders is made by the real
// loadSettings. Also: both languages, the choice of long-lived token or OAuth, field-level
// errors with aria-invalid, a footer that never grows over the form, the contrast of every
// button in every state, keyboard order, the state at the top and names on reopening.
// Screenshots go to test-output/screenshots/ (git-ignored).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadSettings, type SettingsView } from '../../src/ui/settings';
import { launchChromium, screenshotPath, type Browser } from './support/browser';
import { findChromium } from './support/chromium';
import { FakeAmo } from './support/fake-amo';
import { dialogTexts } from '../../src/ui/dialog-texts';
import { MemorySheet } from '../support/memory-sheet';
import { memoryPorts } from './support/memory-ports';
import { loadColumnMapping } from '../../src/ui/column-mapping';
import { saveCatalog } from '../../src/fields/catalog';
import { withStub, type StubAnswer, type StubState } from './support/script-run-stub';

const HTML = readFileSync(join(__dirname, '../../src/ui/settings-dialog.html'), 'utf8');
const SHOTS = join(__dirname, '../../test-output/screenshots');
const HEADERS = [
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
];

const STORED = {
  AMO_BASE_URL: 'https://example.amocrm.ru',
  AMO_CLIENT_ID: 'client-id-1',
  AMO_CLIENT_SECRET: 'stored-client-secret-abcdef',
  AMO_REDIRECT_URI: 'https://example.com/oauth',
  AMO_LONG_LIVED_TOKEN: 'stored-long-lived-token-abcdef',
  AMO_PIPELINE_ID: '3177727',
  AMO_STATUS_ID: '32392159',
  WEBHOOK_SECRET: 'stored-webhook-secret-abcdef',
  SHEET_NAME: 'Leads',
  DEFAULT_PHONE_REGION: 'RU',
};
const HIDDEN_SECRETS = [STORED.AMO_CLIENT_SECRET, STORED.AMO_LONG_LIVED_TOKEN];
const SECRET_FIELDS = [
  'AMO_CLIENT_SECRET',
  'AMO_AUTH_CODE',
  'AMO_LONG_LIVED_TOKEN',
  'WEBHOOK_SECRET',
];
const PLAIN_FIELDS = [
  'AMO_BASE_URL',
  'AMO_CLIENT_ID',
  'AMO_REDIRECT_URI',
  'SHEET_NAME',
  'DEFAULT_PHONE_REGION',
];
const PIPELINES = [
  {
    id: 3177727,
    name: 'Воронка',
    statuses: [
      { id: 32392159, name: 'Первичный контакт' },
      { id: 32392165, name: 'Принимают решение' },
    ],
  },
  { id: 555, name: 'Partners', statuses: [{ id: 556, name: 'New partner' }] },
];

/** The view the real server side gives for `props`, the sheet 'Leads' having every column. */
function viewFor(props: Record<string, string>, headers: string[] = HEADERS): SettingsView {
  const ports = memoryPorts(new FakeAmo(), props);
  ports.spreadsheet.sheets.set('Leads', new MemorySheet([headers]));
  return loadSettings(ports);
}

const view: SettingsView = viewFor(STORED);
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  page = await browser.context.newPage();
});

afterEach(async () => {
  await page.close();
});

/** The page as dialog-html.ts makes it for `lang` (that module imports the .html jest cannot load). */
function pageIn(lang: 'en' | 'ru'): string {
  const texts = JSON.stringify(dialogTexts(lang)).replace(/</g, '\\u003c');
  return HTML.replace('<html lang="en">', `<html lang="${lang}">`).replace(
    '<!--TEXTS-->',
    `<script>window.DIALOG_TEXTS = ${texts};</script>`
  );
}

/** Opens the dialog with these server answers; waits until the settings are shown. */
async function openDialog(
  answers: Record<string, StubAnswer> = {},
  html: string = HTML
): Promise<void> {
  await page.setContent(withStub(html, { settingsLoad: { value: view }, ...answers }));
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } })
      .document;
    const field = doc.querySelector('#AMO_BASE_URL') as { value: string } | null;
    return field !== null && field.value !== '';
  });
}

async function stub(): Promise<StubState> {
  return page.evaluate(() => (globalThis as unknown as { __stub: StubState }).__stub);
}

async function answer(name: string, value: StubAnswer): Promise<void> {
  await page.evaluate(
    ([fn, a]) => {
      (globalThis as unknown as { __stub: StubState }).__stub.answers[fn as string] =
        a as StubAnswer;
    },
    [name, value] as const
  );
}

/** The last call of a server function, once it has been made. */
async function lastCall(name: string): Promise<unknown[]> {
  await page.waitForFunction(
    fn => (globalThis as unknown as { __stub: StubState }).__stub.calls.some(c => c.name === fn),
    name
  );
  const calls = (await stub()).calls.filter(c => c.name === name);
  return calls[calls.length - 1].args;
}

async function statusLine(): Promise<{ text: string; kind: string }> {
  const status = page.locator('#status');
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } })
      .document;
    const line = doc.querySelector('#status') as { className: string; textContent: string };
    return line.className !== 'busy' && line.textContent !== '';
  });
  return {
    text: (await status.textContent()) ?? '',
    kind: (await status.getAttribute('class')) ?? '',
  };
}

describe('the browser', () => {
  it('is reported missing, failing the tests', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
      'CHROMIUM_PATH is /nonexistent/chromium, which does not exist.'
    );
  });

  it('comes from npm on Linux x64, so a fresh machine needs no browser installed', async () => {
    const noSystemBrowser = findChromium({}, []);
    if (process.platform === 'linux' && process.arch === 'x64') {
      const found = await noSystemBrowser;
      expect(found.source).toMatch(/^@sparticuz\/chromium /);
      expect(found.executablePath).toContain(join('node_modules', '.cache'));
    } else {
      await expect(noSystemBrowser).rejects.toThrow(/Install Chrome or Chromium/);
    }
  });
});

describe('the settings dialog', () => {
  it('asks the server for the settings once and renders every field', async () => {
    await openDialog();
    expect((await stub()).calls).toEqual([{ name: 'settingsLoad', args: [] }]);
    for (const key of PLAIN_FIELDS) {
      await expect(page.locator(`#${key}`).inputValue()).resolves.toBe(
        STORED[key as keyof typeof STORED]
      );
    }
    const tokenMode = [
      'AMO_LONG_LIVED_TOKEN',
      'WEBHOOK_SECRET',
      'AMO_PIPELINE_ID',
      'AMO_STATUS_ID',
    ];
    for (const key of [...tokenMode, 'webhookUrl']) {
      expect(await page.locator(`#${key}`).isVisible()).toBe(true);
    }
    // A long-lived token is stored: the dialog opens on it; OAuth's fields wait behind the choice.
    expect(await page.locator('#authToken').isChecked()).toBe(true);
    for (const key of ['AMO_CLIENT_ID', 'AMO_CLIENT_SECRET', 'AMO_AUTH_CODE']) {
      expect(await page.locator(`#${key}`).isVisible()).toBe(false);
    }
    expect(await page.locator('#AMO_PIPELINE_ID').inputValue()).toBe('3177727');
    expect(await page.locator('#AMO_STATUS_ID').inputValue()).toBe('32392159');
    for (const name of ['Test connection', 'Load pipelines', 'Save', 'Close', 'Copy']) {
      expect(await page.getByRole('button', { name }).isVisible()).toBe(true);
    }
    expect(await page.getByLabel('Subscribe this URL in AmoCRM').isChecked()).toBe(false);
    // Tall enough for the whole form: a full-page capture misplaces the sticky footer.
    await page.setViewportSize({ width: 520, height: 1000 });
    await page.screenshot({ path: screenshotPath('settings-dialog.png') });
  });

  it('masks the secrets: empty password fields that say whether one is saved', async () => {
    await openDialog();
    for (const key of SECRET_FIELDS) {
      const field = page.locator(`#${key}`);
      expect(await field.getAttribute('type')).toBe('password');
      expect(await field.inputValue()).toBe('');
      const saved = view.secretsSet[key];
      expect(await field.getAttribute('placeholder')).toBe(
        saved
          ? 'saved — leave empty to keep'
          : key === 'WEBHOOK_SECRET'
            ? 'generated on save'
            : 'not set'
      );
      const clearHidden = await page
        .locator(`[data-clear-for="${key}"]`)
        .evaluate(box => (box as unknown as { parentNode: { hidden: boolean } }).parentNode.hidden);
      expect(clearHidden).toBe(!saved);
    }
  });

  it('never puts a secret into the page; the webhook secret only into the URL field', async () => {
    await openDialog();
    const content = await page.content();
    for (const secret of [...HIDDEN_SECRETS, STORED.WEBHOOK_SECRET]) {
      expect(content).not.toContain(secret);
    }
    const values = await page
      .locator('input')
      .evaluateAll(inputs =>
        (inputs as unknown as Array<{ id: string; value: string }>).map(i => [i.id, i.value])
      );
    const holding = values.filter(([, value]) => value.includes(STORED.WEBHOOK_SECRET));
    expect(holding.map(([id]) => id)).toEqual(['webhookUrl']);
    expect(await page.locator('#webhookUrl').inputValue()).toBe(view.webhookUrl);
    expect(await page.locator('#webhookUrl').getAttribute('readonly')).not.toBeNull();
  });

  it("shows a server's thrown error in red, as text", async () => {
    await openDialog({ settingsTestConnection: { error: 'Exception: <b>quota</b> exceeded' } });
    await page.getByRole('button', { name: 'Test connection' }).click();
    expect(await statusLine()).toEqual({ text: 'Exception: <b>quota</b> exceeded', kind: 'error' });
    expect(await page.locator('#status b').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save' }).isEnabled()).toBe(true);
  });

  it('shows a refusal from the server in red', async () => {
    const error =
      'Could not reach https://nowhere.invalid: check the AmoCRM address (AMO_BASE_URL).';
    await openDialog({ settingsSave: { value: { ok: false, error } } });
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await statusLine()).toEqual({ text: error, kind: 'error' });
  });

  it('shows a failed load in red', async () => {
    await page.setContent(withStub(HTML, { settingsLoad: { error: 'Authorization is required' } }));
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } })
        .document;
      return (doc.querySelector('#status') as { className: string }).className === 'error';
    });
    expect(await page.locator('#status').textContent()).toBe('Authorization is required');
  });

  it("tests the connection with the form's values and shows the account", async () => {
    await openDialog({ settingsTestConnection: { value: { ok: true, account: 'example' } } });
    await page.locator('#AMO_BASE_URL').fill('https://other.amocrm.ru');
    await page.getByRole('button', { name: 'Test connection' }).click();
    const [form] = await lastCall('settingsTestConnection');
    expect(form).toMatchObject({ AMO_BASE_URL: 'https://other.amocrm.ru', AMO_CLIENT_SECRET: '' });
    expect(await statusLine()).toEqual({
      text: 'Connected to the AmoCRM account “example”.',
      kind: 'ok',
    });
  });

  it("saves with the form's values; a secret left empty goes as an empty string", async () => {
    const saved = { ...view, secretsSet: { ...view.secretsSet, AMO_AUTH_CODE: true } };
    await openDialog({
      settingsSave: { value: { ok: true, view: saved, message: 'Saved. Connected.' } },
    });
    await page.locator('[data-clear-for="AMO_LONG_LIVED_TOKEN"]').check();
    await page.locator('#authOauth').check();
    await page.locator('#AMO_CLIENT_ID').fill('client-id-2');
    await page.locator('#AMO_AUTH_CODE').fill('def502-new-code');
    await page.locator('#DEFAULT_PHONE_REGION').fill('kz');
    await page.getByLabel('Subscribe this URL in AmoCRM').check();
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await lastCall('settingsSave')).toEqual([
      {
        AMO_BASE_URL: 'https://example.amocrm.ru',
        AMO_CLIENT_ID: 'client-id-2',
        AMO_REDIRECT_URI: 'https://example.com/oauth',
        SHEET_NAME: 'Leads',
        DEFAULT_PHONE_REGION: 'kz',
        IMPORT_PIPELINES: '',
        AMO_PIPELINE_ID: '3177727',
        AMO_STATUS_ID: '32392159',
        AMO_CLIENT_SECRET: '',
        AMO_AUTH_CODE: 'def502-new-code',
        AMO_LONG_LIVED_TOKEN: '',
        WEBHOOK_SECRET: '',
        clear_AMO_CLIENT_SECRET: 'false',
        clear_AMO_AUTH_CODE: 'false',
        clear_AMO_LONG_LIVED_TOKEN: 'true',
        clear_WEBHOOK_SECRET: 'false',
        subscribeWebhook: 'true',
        IMPORT_NEW_LEADS: '',
        authMode: 'oauth',
      },
    ]);
    expect(await statusLine()).toEqual({ text: 'Saved. Connected.', kind: 'ok' });
    expect(await page.locator('#AMO_AUTH_CODE').inputValue()).toBe('');
    expect(await page.locator('#AMO_AUTH_CODE').getAttribute('placeholder')).toBe(
      'saved — leave empty to keep'
    );
    expect(await page.content()).not.toContain('def502-new-code');
  });

  it('fills the pipeline and status lists from Load pipelines', async () => {
    await openDialog({ settingsLoadPipelines: { value: { ok: true, pipelines: PIPELINES } } });
    expect(await page.locator('#AMO_PIPELINE_ID option').allTextContents()).toEqual([
      '— press Load pipelines —',
      '3177727',
    ]);
    await page.getByRole('button', { name: 'Load pipelines' }).click();
    expect(await lastCall('settingsLoadPipelines')).toEqual([
      expect.objectContaining({ AMO_BASE_URL: 'https://example.amocrm.ru' }),
    ]);
    expect(await statusLine()).toEqual({ text: 'Pipelines loaded: 2.', kind: 'ok' });
    const pipeline = page.locator('#AMO_PIPELINE_ID');
    const status = page.locator('#AMO_STATUS_ID');
    expect(await pipeline.locator('option').allTextContents()).toEqual([
      '— choose —',
      'Воронка',
      'Partners',
    ]);
    expect(await pipeline.inputValue()).toBe('3177727');
    expect(await status.inputValue()).toBe('32392159');
    expect(await status.locator('option').allTextContents()).toEqual([
      '— choose —',
      'Первичный контакт',
      'Принимают решение',
    ]);
    await pipeline.selectOption({ label: 'Partners' });
    expect(await status.locator('option').allTextContents()).toEqual(['— choose —', 'New partner']);
    await status.selectOption({ label: 'New partner' });
    await answer('settingsSave', { value: { ok: false, error: 'stop here' } });
    await page.getByRole('button', { name: 'Save' }).click();
    const [form] = await lastCall('settingsSave');
    expect(form).toMatchObject({ AMO_PIPELINE_ID: '555', AMO_STATUS_ID: '556' });
  });

  it('offers a tick per loaded pipeline for the leads created in AmoCRM, and sends the choice', async () => {
    await openDialog({ settingsLoadPipelines: { value: { ok: true, pipelines: PIPELINES } } });
    expect(await page.locator('#importPipelinesList input').count()).toBe(0);
    await page.getByRole('button', { name: 'Load pipelines' }).click();
    await page.locator('#importPipelinesList label').nth(1).waitFor();
    expect(await page.locator('#importPipelinesList label').allTextContents()).toEqual([
      ' Воронка (3177727)',
      ' Partners (555)',
    ]);
    await page.getByLabel('Add leads created in AmoCRM as rows').check();
    await page.getByLabel('Partners (555)').check();
    expect(await page.locator('#IMPORT_PIPELINES').inputValue()).toBe('555');
    await page.getByLabel('Воронка (3177727)').check();
    expect(await page.locator('#IMPORT_PIPELINES').inputValue()).toBe('3177727,555');
    await answer('settingsSave', { value: { ok: false, error: 'stop here' } });
    await page.getByRole('button', { name: 'Save' }).click();
    const [form] = await lastCall('settingsSave');
    expect(form).toMatchObject({ IMPORT_NEW_LEADS: 'true', IMPORT_PIPELINES: '3177727,555' });
  });

  it('disables its buttons while the server works, except Close', async () => {
    await openDialog({ settingsLoadPipelines: { hold: true } });
    await page.getByRole('button', { name: 'Load pipelines' }).click();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Close' }).isEnabled()).toBe(true);
    expect(await page.locator('#status').getAttribute('class')).toBe('busy');
  });

  it('copies the webhook URL', async () => {
    await openDialog();
    await page.getByRole('button', { name: 'Copy' }).click();
    const { text, kind } = await statusLine();
    expect(text).toMatch(/^(Copied\.|Select the URL and copy it)/);
    expect(kind).not.toBe('error');
  });

  it('closes through google.script.host.close', async () => {
    await openDialog();
    await page.getByRole('button', { name: 'Close' }).click();
    expect((await stub()).closed).toBe(1);
  });
});

/** WCAG contrast of two computed CSS colours (`rgb(…)` / `rgba(…)`, opaque). */
function contrast(fg: string, bg: string): number {
  const lum = (css: string): number => {
    const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(n => Number(n) / 255);
    const f = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}

async function colorsOf(id: string): Promise<{ fg: string; bg: string }> {
  return (await page.evaluate(
    `(() => { const s = getComputedStyle(document.getElementById(${JSON.stringify(id)}));
      return { fg: s.color, bg: s.backgroundColor }; })()`
  )) as { fg: string; bg: string };
}

/** What the real server side answers for a sheet with a mapped, an unmapped and a fixed column. */
function columnsFor(mapping?: Record<string, string>): unknown {
  const ports = memoryPorts(new FakeAmo(), {
    ...STORED,
    ...(mapping ? { FIELD_MAPPING: JSON.stringify(mapping) } : {}),
  });
  saveCatalog(ports.props, {
    at: 0,
    fields: [
      {
        id: 7,
        side: 'lead',
        name: 'Город',
        type: 'select',
        code: null,
        enums: [{ id: 1, value: 'Уфа' }],
      },
      { id: 8, side: 'contact', name: 'Должность', type: 'text', code: null, enums: [] },
    ],
  });
  ports.spreadsheet.sheets.set('Leads', new MemorySheet([[...HEADERS, 'Город', 'Роль']]));
  return loadColumnMapping(ports);
}

describe('the settings dialog, columns', () => {
  it('shows what each column maps to, and sends the field a person picks for another header', async () => {
    await openDialog({
      settingsColumns: { value: columnsFor() },
      settingsSaveColumns: { value: columnsFor({ Роль: 'contact: Должность' }) },
    });
    await page.click('#showColumns');
    await page.waitForSelector('#columns tr');
    const rows = (await page.evaluate(
      `[...document.querySelectorAll('#columns tr')].map(tr => [...tr.children].map(td => td.textContent))`
    )) as string[][];
    expect(rows).toContainEqual([
      'Город',
      'lead: Город (select)',
      '(by its header)lead: Городcontact: Должность',
    ]);
    expect(rows).toContainEqual([
      'Роль',
      'not synced',
      '(by its header)lead: Городcontact: Должность',
    ]);
    expect(rows.find(r => r[0] === 'name')?.[1]).toBe('fixed: name');
    await page.selectOption('select[data-column="Роль"]', 'contact: Должность');
    await page.click('#saveColumns');
    expect(await lastCall('settingsSaveColumns')).toEqual([{ Роль: 'contact: Должность' }]);
    await page.waitForFunction(
      `document.querySelector('#columns tr:last-child td').textContent === 'contact: Должность (text)'`
    );
  });
});

const BUTTONS = ['test', 'pipelines', 'copy', 'save', 'close'];

describe('the settings dialog, for people', () => {
  it('keeps every button’s text at 4.5:1 or more at rest, hovered, focused and disabled', async () => {
    await openDialog({ settingsLoadPipelines: { hold: true } });
    const seen: string[] = [];
    for (const id of BUTTONS) {
      const rest = await colorsOf(id);
      await page.hover(`#${id}`);
      const hovered = await colorsOf(id);
      if (id === 'save') await page.screenshot({ path: join(SHOTS, 'save-hover.png') });
      await page.mouse.move(0, 0);
      await page.focus(`#${id}`);
      const focused = await colorsOf(id);
      for (const [state, c] of Object.entries({ rest, hovered, focused })) {
        seen.push(`${id} ${state} ${contrast(c.fg, c.bg).toFixed(2)}`);
        expect(contrast(c.fg, c.bg)).toBeGreaterThanOrEqual(4.5);
      }
    }
    // While the server works every button but Close is disabled: still readable.
    await page.getByRole('button', { name: 'Load pipelines' }).click();
    for (const id of ['test', 'pipelines', 'copy', 'save']) {
      await page.hover(`#${id}`, { force: true });
      const c = await colorsOf(id);
      expect(await page.locator(`#${id}`).isDisabled()).toBe(true);
      expect(contrast(c.fg, c.bg)).toBeGreaterThanOrEqual(4.5);
    }
    expect(seen).toHaveLength(BUTTONS.length * 3);
  });

  it('marks the fields a refusal names (aria-invalid, the message under the field)', async () => {
    await openDialog({
      settingsSave: {
        value: {
          ok: false,
          error: 'Fix the 2 marked fields.',
          fields: {
            AMO_BASE_URL:
              '"my company" is not an AmoCRM address: type it as your browser shows it.',
            AMO_PIPELINE_ID: 'Choose a pipeline from the list (press Load pipelines), not "x".',
          },
        },
      },
    });
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await statusLine()).toEqual({ text: 'Fix the 2 marked fields.', kind: 'error' });
    const url = page.locator('#AMO_BASE_URL');
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#AMO_PIPELINE_ID').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#error-AMO_BASE_URL').textContent()).toMatch(/^"my company"/);
    expect(await url.getAttribute('aria-describedby')).toContain('error-AMO_BASE_URL');
    expect(await page.getByRole('textbox', { name: 'Account address' }).count()).toBe(1);
    // The first marked field has the focus, so the person types the fix right away.
    expect(
      await url.evaluate(
        el =>
          el ===
          (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument
            .activeElement
      )
    ).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'settings-errors.png') });
    await url.fill('mycompany.amocrm.ru');
    expect(await url.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#error-AMO_BASE_URL').count()).toBe(0);
    expect(await page.locator('#AMO_PIPELINE_ID').getAttribute('aria-invalid')).toBe('true');
  });

  it('keeps the footer from growing over the form: a long answer scrolls inside it', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of a long answer.`).join('\n');
    await openDialog({ settingsSave: { value: { ok: false, error: long, fields: {} } } });
    await page.getByRole('button', { name: 'Save' }).click();
    await statusLine();
    const box = await page.locator('footer').boundingBox();
    expect(box?.height ?? 999).toBeLessThan(140);
    const scrolls = (await page.evaluate(
      `(() => { const s = document.getElementById('status'); return s.scrollHeight > s.clientHeight; })()`
    )) as boolean;
    expect(scrolls).toBe(true);
  });

  it('speaks Russian when the server gives Russian texts', async () => {
    await openDialog({}, pageIn('ru'));
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    for (const name of ['Проверить подключение', 'Загрузить воронки', 'Сохранить', 'Закрыть']) {
      expect(await page.getByRole('button', { name }).isVisible()).toBe(true);
    }
    expect(await page.getByLabel('Адрес аккаунта').inputValue()).toBe(STORED.AMO_BASE_URL);
    expect(await page.locator('#AMO_LONG_LIVED_TOKEN').getAttribute('placeholder')).toBe(
      'сохранено — оставьте пустым, чтобы не менять'
    );
    expect(await page.locator('#AMO_PIPELINE_ID option').first().textContent()).toBe(
      '— нажмите «Загрузить воронки» —'
    );
    await page.setViewportSize({ width: 520, height: 1000 });
    await page.screenshot({ path: join(SHOTS, 'settings-ru.png') });
  });

  it('offers a choice between a long-lived token and OAuth', async () => {
    await openDialog();
    await page.locator('#authOauth').check();
    expect(await page.locator('#AMO_LONG_LIVED_TOKEN').isVisible()).toBe(false);
    for (const key of ['AMO_CLIENT_ID', 'AMO_REDIRECT_URI', 'AMO_CLIENT_SECRET', 'AMO_AUTH_CODE']) {
      expect(await page.locator(`#${key}`).isVisible()).toBe(true);
    }
    await page.screenshot({ path: join(SHOTS, 'settings-oauth.png') });
    const oauthView = viewFor({ ...STORED, AMO_LONG_LIVED_TOKEN: '' });
    await openDialog({ settingsLoad: { value: oauthView } });
    expect(await page.locator('#authOauth').isChecked()).toBe(true);
    expect(await page.locator('#AMO_AUTH_CODE').isVisible()).toBe(true);
  });

  it('shows the pipeline and status names on reopening, before Load pipelines', async () => {
    const names = JSON.stringify({
      pipelineId: STORED.AMO_PIPELINE_ID,
      statusId: STORED.AMO_STATUS_ID,
      pipeline: 'Воронка',
      status: 'Первичный контакт',
    });
    await openDialog({
      settingsLoad: { value: viewFor({ ...STORED, SYNC_PIPELINE_NAMES: names }) },
    });
    const pipeline = page.locator('#AMO_PIPELINE_ID');
    expect(await pipeline.locator('option:checked').textContent()).toBe('Воронка');
    expect(await pipeline.inputValue()).toBe('3177727');
    expect(await page.locator('#AMO_STATUS_ID option:checked').textContent()).toBe(
      'Первичный контакт'
    );
  });

  it('shows the webhook, the triggers and the last sync at the top', async () => {
    await openDialog();
    expect(await page.locator('#state li').allTextContents()).toEqual(view.state.lines);
    expect(view.state.lines).toEqual([
      'Webhook: not checked yet',
      'Triggers: not installed (saving installs them)',
      'Last sync: never',
    ]);
  });

  it('says on first opening of a deployed app that the webhook URL comes with Save', async () => {
    const first = viewFor({});
    expect(first.deployed).toBe(true);
    // Nothing is stored yet, so no field gets a value: wait for the placeholder itself.
    await page.setContent(withStub(HTML, { settingsLoad: { value: first } }));
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } })
        .document;
      const field = doc.querySelector('#webhookUrl') as { placeholder: string } | null;
      return field !== null && field.placeholder === 'appears when you save';
    });
    expect(await page.locator('#webhookUrl').getAttribute('placeholder')).toBe(
      'appears when you save'
    );
  });

  it('offers Add columns when the sheet lacks columns, and asks the server to add them', async () => {
    const lacking = viewFor(STORED, ['name', 'phone']);
    const added = { ok: true, view, message: 'Columns added to the sheet: amo_deal_id.' };
    await openDialog({
      settingsLoad: { value: lacking },
      settingsAddColumns: { value: added },
    });
    await page.getByRole('button', { name: 'Add columns' }).click();
    expect(await lastCall('settingsAddColumns')).toEqual([]);
    expect(await statusLine()).toEqual({ text: added.message, kind: 'ok' });
    expect(await page.getByRole('button', { name: 'Add columns' }).isVisible()).toBe(false);
  });

  it('moves through the form in reading order with Tab', async () => {
    await openDialog();
    const order: string[] = [];
    await page.focus('#AMO_BASE_URL');
    for (let i = 0; i < 19; i++) {
      order.push(
        (await page.evaluate(
          `(() => { const e = document.activeElement;
            return e.id || e.getAttribute('data-clear-for') + ':clear'; })()`
        )) as string
      );
      await page.keyboard.press('Tab');
    }
    expect(order).toEqual([
      'AMO_BASE_URL',
      'authToken',
      'AMO_LONG_LIVED_TOKEN',
      'AMO_LONG_LIVED_TOKEN:clear',
      'test',
      'AMO_PIPELINE_ID',
      'AMO_STATUS_ID',
      'pipelines',
      'IMPORT_NEW_LEADS',
      'IMPORT_PIPELINES',
      'SHEET_NAME',
      'DEFAULT_PHONE_REGION',
      'WEBHOOK_SECRET',
      'WEBHOOK_SECRET:clear',
      'webhookUrl',
      'copy',
      'subscribeWebhook',
      'showColumns',
      'save',
    ]);
  });
});
