// The Settings… dialog's page in a real headless browser (Chromium through playwright-core:
// support/chromium.ts says which), with google.script.run stubbed: it renders every field from
// the server's view, keeps secrets out of the page, shows server errors as text, and calls the
// right server function with the form's values. The view it renders is made by the real
// loadSettings. Screenshots go to test-output/screenshots/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadSettings, type SettingsView } from '../../src/ui/settings';
import { launchChromium, screenshotPath, type Browser } from './support/browser';
import { findChromium } from './support/chromium';
import { FakeAmo } from './support/fake-amo';
import { memoryPorts } from './support/memory-ports';
import { withStub, type StubAnswer, type StubState } from './support/script-run-stub';

const HTML = readFileSync(join(__dirname, '../../src/ui/settings-dialog.html'), 'utf8');

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

const view: SettingsView = loadSettings(memoryPorts(new FakeAmo(), STORED));
let browser: Browser;
let page: Page;

beforeAll(async () => {
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

/** Opens the dialog with these server answers; waits until the settings are shown. */
async function openDialog(answers: Record<string, StubAnswer> = {}): Promise<void> {
  await page.setContent(withStub(HTML, { settingsLoad: { value: view }, ...answers }));
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
    for (const key of [...SECRET_FIELDS, 'AMO_PIPELINE_ID', 'AMO_STATUS_ID', 'webhookUrl']) {
      expect(await page.locator(`#${key}`).isVisible()).toBe(true);
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
      expect(await page.locator(`[data-clear-for="${key}"]`).isVisible()).toBe(saved);
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
    await page.locator('#AMO_CLIENT_ID').fill('client-id-2');
    await page.locator('#AMO_AUTH_CODE').fill('def502-new-code');
    await page.locator('#DEFAULT_PHONE_REGION').fill('kz');
    await page.locator('[data-clear-for="AMO_LONG_LIVED_TOKEN"]').check();
    await page.getByLabel('Subscribe this URL in AmoCRM').check();
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await lastCall('settingsSave')).toEqual([
      {
        AMO_BASE_URL: 'https://example.amocrm.ru',
        AMO_CLIENT_ID: 'client-id-2',
        AMO_REDIRECT_URI: 'https://example.com/oauth',
        SHEET_NAME: 'Leads',
        DEFAULT_PHONE_REGION: 'kz',
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
