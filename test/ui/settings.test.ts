// The Settings… dialog's server side against in-memory ports and a fake AmoCRM: what the
// dialog is shown (never a secret), what a save writes (all or nothing), and what Test
// connection and Load pipelines answer.
import { AMO_TOKENS_KEY } from '../../src/amo';
import { sha256Hex } from '../../src/amo/sha256';
import { WEBHOOK_EVENTS } from '../../src/sync/reconcile';
import {
  loadPipelines,
  loadSettings,
  saveSettings,
  testConnection,
  type SaveAnswer,
} from '../../src/ui/settings';
import { FakeAmo, fixture } from './support/fake-amo';
import { dialogForm } from './support/form';
import { memoryPorts, type TestPorts } from './support/memory-ports';

const TOKEN = 'long-lived-token-0123456789';
const STORED = {
  AMO_BASE_URL: 'https://example.amocrm.ru',
  AMO_CLIENT_ID: 'client-id-1',
  AMO_CLIENT_SECRET: 'stored-client-secret-abcdef',
  AMO_REDIRECT_URI: 'https://example.com/oauth',
  AMO_AUTH_CODE: 'stored-auth-code-abcdef',
  AMO_LONG_LIVED_TOKEN: TOKEN,
  AMO_PIPELINE_ID: '3177727',
  AMO_STATUS_ID: '32392159',
  WEBHOOK_SECRET: 'stored-webhook-secret-abcdef',
  SHEET_NAME: 'Leads',
  DEFAULT_PHONE_REGION: 'RU',
  // Learned by doGet/doPost, where getUrl() is the deployment's /exec URL.
  SYNC_WEB_APP_URL: 'https://script.google.com/macros/s/DEPLOYMENT/exec',
};
const SECRETS = [
  STORED.AMO_CLIENT_SECRET,
  STORED.AMO_AUTH_CODE,
  STORED.AMO_LONG_LIVED_TOKEN,
  STORED.WEBHOOK_SECRET,
];
const GOOD_FORM = {
  AMO_BASE_URL: 'https://example.amocrm.ru/',
  AMO_LONG_LIVED_TOKEN: TOKEN,
  AMO_PIPELINE_ID: '3177727',
  AMO_STATUS_ID: '32392159',
  DEFAULT_PHONE_REGION: 'ru',
};

/** The form as the dialog sends it after showing STORED: plain values filled, secrets empty. */
const SHOWN = dialogForm({
  AMO_BASE_URL: STORED.AMO_BASE_URL,
  AMO_CLIENT_ID: STORED.AMO_CLIENT_ID,
  AMO_REDIRECT_URI: STORED.AMO_REDIRECT_URI,
  AMO_PIPELINE_ID: STORED.AMO_PIPELINE_ID,
  AMO_STATUS_ID: STORED.AMO_STATUS_ID,
  SHEET_NAME: STORED.SHEET_NAME,
  DEFAULT_PHONE_REGION: STORED.DEFAULT_PHONE_REGION,
});

let amo: FakeAmo;

beforeEach(() => {
  amo = new FakeAmo();
  amo.acceptedToken = TOKEN;
});

/** Nothing a person or a log can see holds a secret. */
function expectNoSecrets(ports: TestPorts, answer: unknown, secrets: string[] = SECRETS): void {
  const text = JSON.stringify(answer) + ports.logger.lines.join('\n');
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** A save answer without the webhook URL, the one place the webhook secret may appear. */
function withoutUrl(answer: SaveAnswer): unknown {
  return answer.ok ? { ...answer, view: { ...answer.view, webhookUrl: null } } : answer;
}

describe('loadSettings', () => {
  it('shows the plain properties and only whether each secret is stored', () => {
    const ports = memoryPorts(amo, { ...STORED, AMO_AUTH_CODE: '' });
    const view = loadSettings(ports);
    expect(view.values).toEqual({
      AMO_BASE_URL: STORED.AMO_BASE_URL,
      AMO_CLIENT_ID: 'client-id-1',
      AMO_REDIRECT_URI: 'https://example.com/oauth',
      AMO_PIPELINE_ID: '3177727',
      AMO_STATUS_ID: '32392159',
      SHEET_NAME: 'Leads',
      DEFAULT_PHONE_REGION: 'RU',
      IMPORT_NEW_LEADS: '',
      IMPORT_PIPELINES: '',
    });
    expect(view.secretsSet).toEqual({
      AMO_CLIENT_SECRET: true,
      AMO_AUTH_CODE: false,
      AMO_LONG_LIVED_TOKEN: true,
      WEBHOOK_SECRET: true,
    });
    expect(amo.requests).toEqual([]);
  });

  it('puts the webhook secret only into the webhook URL', () => {
    const ports = memoryPorts(amo, STORED);
    const view = loadSettings(ports);
    expect(view.webhookUrl).toBe(
      `https://script.google.com/macros/s/DEPLOYMENT/exec?secret=${STORED.WEBHOOK_SECRET}`
    );
    expectNoSecrets(ports, { ...view, webhookUrl: null });
  });

  it('has no webhook URL until the /exec URL is learned: the /dev URL outside doPost is never shown', () => {
    const unlearned: Record<string, string> = { ...STORED };
    delete unlearned.SYNC_WEB_APP_URL;
    const ports = memoryPorts(amo, unlearned);
    ports.triggers.url = 'https://script.google.com/macros/s/HEAD/dev';
    expect(loadSettings(ports).webhookUrl).toBeNull();
  });
});

describe('saveSettings refuses bad input and saves nothing', () => {
  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      'a base URL with a space',
      { AMO_BASE_URL: 'my company' },
      'AMO_BASE_URL',
      /"my company" is not an AmoCRM address.*mycompany\.amocrm\.ru/,
    ],
    [
      'a base URL without a host',
      { AMO_BASE_URL: 'https://' },
      'AMO_BASE_URL',
      /not an AmoCRM address/,
    ],
    [
      'an FTP address',
      { AMO_BASE_URL: 'ftp://x.amocrm.ru' },
      'AMO_BASE_URL',
      /not an AmoCRM address/,
    ],
    ['an empty base URL', { AMO_BASE_URL: '' }, 'AMO_BASE_URL', /^Fill in the account address/],
    [
      'a non-numeric pipeline',
      { AMO_PIPELINE_ID: 'Sales' },
      'AMO_PIPELINE_ID',
      /Choose a pipeline from the list.*"Sales"/,
    ],
    [
      'a negative status',
      { AMO_STATUS_ID: '-5' },
      'AMO_STATUS_ID',
      /starting status from the list.*"-5"/,
    ],
    [
      'a pipeline without a status',
      { AMO_STATUS_ID: '' },
      'AMO_STATUS_ID',
      /both the pipeline and/,
    ],
    [
      'a three-letter region',
      { DEFAULT_PHONE_REGION: 'RUS' },
      'DEFAULT_PHONE_REGION',
      /two-letter country code/,
    ],
    ['an unknown region', { DEFAULT_PHONE_REGION: 'QQ' }, 'DEFAULT_PHONE_REGION', /not "QQ"/],
    ['a missing sheet', { SHEET_NAME: 'Deals' }, 'SHEET_NAME', /no sheet named "Deals"/],
    [
      'a redirect URI that is no URL',
      { AMO_REDIRECT_URI: 'oauth' },
      'AMO_REDIRECT_URI',
      /redirect URI must be a web address/,
    ],
    [
      'no token and no OAuth',
      { AMO_LONG_LIVED_TOKEN: '' },
      'AMO_LONG_LIVED_TOKEN',
      /long-lived token, or fill in the OAuth fields/,
    ],
  ];

  it.each(cases)(
    '%s: on its field, in words, naming no property',
    (_what, change, field, message) => {
      const ports = memoryPorts(amo, change.AMO_LONG_LIVED_TOKEN === '' ? {} : STORED);
      const answer = saveSettings(ports, dialogForm({ ...GOOD_FORM, ...change }));
      expect(answer).toEqual({
        ok: false,
        error: expect.stringMatching(message),
        fields: { [field]: expect.stringMatching(message) },
      });
      expect(JSON.stringify(answer)).not.toMatch(
        /"[^"]*(AMO_[A-Z_]+|DEFAULT_PHONE_REGION|SHEET_NAME)[^"]*"\s*[,}]/
      );
      expect(ports.props.writes).toEqual([]);
      expect(amo.requests).toEqual([]);
      expectNoSecrets(ports, answer);
    }
  );

  it('marks every bad field at once and says how many there are', () => {
    const ports = memoryPorts(amo, STORED);
    const form = { ...GOOD_FORM, AMO_BASE_URL: 'ftp://x', AMO_PIPELINE_ID: 'abc' };
    const answer = saveSettings(ports, dialogForm(form));
    expect(answer).toEqual({
      ok: false,
      error: 'Fix the 2 marked fields.',
      fields: {
        AMO_BASE_URL: expect.stringMatching(/not an AmoCRM address/),
        AMO_PIPELINE_ID: expect.stringMatching(/"abc"/),
      },
    });
  });

  it('answers in Russian for a Russian spreadsheet', () => {
    const ports = memoryPorts(amo, STORED);
    ports.spreadsheet.localeName = 'ru_RU';
    const answer = saveSettings(ports, dialogForm({ ...GOOD_FORM, AMO_BASE_URL: 'my company' }));
    expect(answer).toEqual({
      ok: false,
      error:
        '«my company» — не адрес AmoCRM: введите его так, как он виден в браузере, например mycompany.amocrm.ru.',
      fields: { AMO_BASE_URL: expect.stringMatching(/^«my company»/) },
    });
  });

  it('follows UI_LANGUAGE over the spreadsheet locale', () => {
    const ports = memoryPorts(amo, { ...STORED, UI_LANGUAGE: 'en' });
    ports.spreadsheet.localeName = 'ru_RU';
    const answer = saveSettings(ports, dialogForm({ ...GOOD_FORM, AMO_PIPELINE_ID: 'x' }));
    expect(answer.ok || answer.error).toMatch(/^Choose a pipeline/);
  });

  it('says an unreachable address could not be reached', () => {
    amo.unreachable = true;
    const ports = memoryPorts(amo, STORED);
    const form = { ...GOOD_FORM, AMO_BASE_URL: 'https://nowhere.invalid' };
    const answer = saveSettings(ports, dialogForm(form));
    expect(answer).toEqual({
      ok: false,
      error: 'Could not reach nowhere.invalid: check the account address and the network.',
      fields: { AMO_BASE_URL: expect.stringMatching(/^Could not reach nowhere\.invalid/) },
    });
    expect(ports.props.writes).toEqual([]);
    expectNoSecrets(ports, answer);
  });

  it('says a mistyped token was not accepted, not that it expired', () => {
    const ports = memoryPorts(amo, {});
    const form = { ...GOOD_FORM, AMO_LONG_LIVED_TOKEN: 'mistyped-token-abcdef' };
    const answer = saveSettings(ports, dialogForm(form));
    expect(answer).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^AmoCRM did not accept the long-lived token: check that it was copied whole \(your integration → Keys and scopes\)/
      ),
      fields: { AMO_LONG_LIVED_TOKEN: expect.any(String) },
    });
    expect(JSON.stringify(answer)).not.toMatch(/expired|revoked/);
    expect(ports.props.writes).toEqual([]);
    expectNoSecrets(ports, answer, ['mistyped-token-abcdef']);
  });

  it('refuses a pipeline the account does not have', () => {
    const ports = memoryPorts(amo, {});
    const answer = saveSettings(ports, dialogForm({ ...GOOD_FORM, AMO_PIPELINE_ID: '42' }));
    expect(answer).toEqual({
      ok: false,
      error: expect.stringMatching(/no pipeline 42/),
      fields: { AMO_PIPELINE_ID: expect.stringMatching(/no pipeline 42/) },
    });
    expect(ports.props.writes).toEqual([]);
  });

  it('refuses the incoming stage, where AmoCRM does not let the API add leads', () => {
    const ports = memoryPorts(amo, {});
    const answer = saveSettings(ports, dialogForm({ ...GOOD_FORM, AMO_STATUS_ID: '32392156' }));
    expect(answer).toEqual({
      ok: false,
      error: expect.stringMatching(/incoming stage/),
      fields: { AMO_STATUS_ID: expect.stringMatching(/incoming stage/) },
    });
    expect(ports.props.writes).toEqual([]);
  });

  it('saves nothing when subscribing is asked for but there is no web-app URL', () => {
    const ports = memoryPorts(amo, {});
    ports.triggers.url = null;
    const answer = saveSettings(ports, dialogForm({ ...GOOD_FORM, subscribeWebhook: 'true' }));
    expect(answer).toEqual({
      ok: false,
      error: expect.stringMatching(/not deployed as a web app/),
      fields: { subscribeWebhook: expect.any(String) },
    });
    expect(ports.props.writes).toEqual([]);
  });

  it('saves nothing when AmoCRM refuses to make the row-id field', () => {
    amo.overrides.set('POST /api/v4/leads/custom_fields', {
      status: 400,
      body: { title: 'Bad Request', status: 400, detail: 'Request validation failed' },
    });
    const ports = memoryPorts(amo, {});
    const answer = saveSettings(ports, dialogForm(GOOD_FORM));
    expect(answer).toEqual({
      ok: false,
      error: expect.stringMatching(/AmoCRM rejected/),
      fields: {},
    });
    expect(ports.props.writes).toEqual([]);
  });
});

describe('saveSettings with good input', () => {
  it('writes the properties in one go and generates the webhook secret', () => {
    const ports = memoryPorts(amo, {});
    const answer = saveSettings(ports, dialogForm(GOOD_FORM));
    expect(answer.ok).toBe(true);
    const secret = '0b7e00011c2d4e5f8a9b0c1d2e3f4a5b';
    expect(ports.props.writes).toEqual([
      'setAll AMO_BASE_URL,AMO_LONG_LIVED_TOKEN,AMO_PIPELINE_ID,AMO_STATUS_ID,' +
        'DEFAULT_PHONE_REGION,SYNC_ACCOUNT,SYNC_PIPELINE_NAMES,SYNC_ROW_ID_FIELD,' +
        'SYNC_TRIGGERS_AT,SYNC_WEBHOOK_STATE,WEBHOOK_SECRET',
    ]);
    expect(ports.props.getAll()).toMatchObject({
      AMO_BASE_URL: 'https://example.amocrm.ru',
      AMO_LONG_LIVED_TOKEN: TOKEN,
      AMO_PIPELINE_ID: '3177727',
      AMO_STATUS_ID: '32392159',
      DEFAULT_PHONE_REGION: 'RU',
      WEBHOOK_SECRET: secret,
      SYNC_ACCOUNT: JSON.stringify({ subdomain: 'example', id: '1231414' }),
      SYNC_ROW_ID_FIELD: '900001',
    });
    expect(amo.seen('POST /api/v4/leads/custom_fields')[0].body).toEqual([
      { name: 'Sheet row ID', type: 'text', sort: 1000 },
    ]);
    if (!answer.ok) return;
    expect(answer.message).toMatch(/^Saved\. Connected to the AmoCRM account "example"\./);
    expect(answer.message).toMatch(/webhook secret was generated/);
    expect(answer.view.secretsSet.WEBHOOK_SECRET).toBe(true);
    // memoryPorts' web app was opened once: the learned /exec URL, never /dev.
    expect(answer.view.webhookUrl).toMatch(/\/exec\?secret=/);
    expectNoSecrets(ports, withoutUrl(answer), [TOKEN, secret]);
  });

  it('keeps a stored secret whose field was left empty', () => {
    const ports = memoryPorts(amo, STORED);
    const answer = saveSettings(ports, SHOWN);
    expect(answer.ok).toBe(true);
    expect(ports.props.getAll()).toMatchObject(STORED);
    expect(ports.props.writes).toEqual([
      'setAll SYNC_ACCOUNT,SYNC_PIPELINE_NAMES,SYNC_ROW_ID_FIELD,SYNC_TRIGGERS_AT,SYNC_WEBHOOK_STATE',
    ]);
    expect(amo.requests[0].authorization).toBe(`Bearer ${TOKEN}`);
    expectNoSecrets(ports, withoutUrl(answer));
  });

  it('clears a secret whose clear box is ticked, and deletes emptied fields', () => {
    const ports = memoryPorts(amo, STORED);
    const form = dialogForm({
      ...GOOD_FORM,
      AMO_LONG_LIVED_TOKEN: '',
      clear_AMO_AUTH_CODE: 'true',
      AMO_CLIENT_ID: 'client-id-1',
      AMO_REDIRECT_URI: '',
    });
    expect(saveSettings(ports, form).ok).toBe(true);
    expect(ports.props.get('AMO_AUTH_CODE')).toBeNull();
    expect(ports.props.get('AMO_REDIRECT_URI')).toBeNull();
    expect(ports.props.get('SHEET_NAME')).toBeNull();
    expect(ports.props.get('AMO_CLIENT_SECRET')).toBe(STORED.AMO_CLIENT_SECRET);
    expect(ports.props.writes.filter(w => w.startsWith('setAll'))).toHaveLength(1);
  });

  it('makes a new webhook secret when its clear box is ticked', () => {
    const ports = memoryPorts(amo, STORED);
    const answer = saveSettings(ports, dialogForm({ ...GOOD_FORM, clear_WEBHOOK_SECRET: 'true' }));
    expect(ports.props.get('WEBHOOK_SECRET')).toBe('0b7e00011c2d4e5f8a9b0c1d2e3f4a5b');
    expect(answer.ok && answer.message).toMatch(/Copy the webhook URL into AmoCRM/);
  });

  it('reuses an existing row-id field instead of making another', () => {
    amo.leadFields = [{ id: 777, name: 'Sheet row ID' }];
    const ports = memoryPorts(amo, {});
    expect(saveSettings(ports, dialogForm(GOOD_FORM)).ok).toBe(true);
    expect(ports.props.get('SYNC_ROW_ID_FIELD')).toBe('777');
    expect(amo.seen('POST /api/v4/leads/custom_fields')).toEqual([]);
  });

  it('subscribes the webhook URL for the sync events when asked', () => {
    const ports = memoryPorts(amo, STORED);
    const answer = saveSettings(ports, dialogForm({ ...GOOD_FORM, subscribeWebhook: 'true' }));
    expect(answer.ok).toBe(true);
    expect(amo.seen('POST /api/v4/webhooks').map(r => r.body)).toEqual([
      {
        destination: `https://script.google.com/macros/s/DEPLOYMENT/exec?secret=${STORED.WEBHOOK_SECRET}`,
        settings: WEBHOOK_EVENTS,
      },
    ]);
    expect(WEBHOOK_EVENTS).toEqual(
      expect.arrayContaining([
        'add_lead',
        'update_lead',
        'status_lead',
        'delete_lead',
        'update_contact',
      ])
    );
    expect(answer.ok && answer.message).toMatch(/AmoCRM now sends lead and contact changes/);
    expect(amo.seen('DELETE /api/v4/webhooks')).toEqual([]);
  });

  it('does not subscribe unless asked', () => {
    const ports = memoryPorts(amo, STORED);
    expect(saveSettings(ports, dialogForm(GOOD_FORM)).ok).toBe(true);
    expect(amo.seen('POST /api/v4/webhooks')).toEqual([]);
  });

  it('removes the subscription of the old URL when a new secret is subscribed', () => {
    const base = 'https://script.google.com/macros/s/DEPLOYMENT/exec';
    const old = `${base}?secret=${STORED.WEBHOOK_SECRET}`;
    const list = fixture<{ _embedded: { webhooks: Array<{ destination: string }> } }>(
      'webhooks_list.json'
    );
    list._embedded.webhooks[0].destination = old;
    amo.overrides.set('GET /api/v4/webhooks', { status: 200, body: list });
    const ports = memoryPorts(amo, STORED);
    const form = { ...GOOD_FORM, clear_WEBHOOK_SECRET: 'true', subscribeWebhook: 'true' };
    expect(saveSettings(ports, dialogForm(form)).ok).toBe(true);
    expect(amo.seen('POST /api/v4/webhooks')[0].body).toMatchObject({
      destination: `${base}?secret=0b7e00011c2d4e5f8a9b0c1d2e3f4a5b`,
    });
    expect(amo.seen('DELETE /api/v4/webhooks').map(r => r.body)).toEqual([{ destination: old }]);
  });

  it('forgets the row-id field of another account when the account changes', () => {
    const ports = memoryPorts(amo, {
      ...STORED,
      SYNC_ACCOUNT: JSON.stringify({ subdomain: 'other', id: '5' }),
      SYNC_ROW_ID_FIELD: '55',
    });
    ports.cache.put('amo:pipelines:v1', '[]');
    expect(saveSettings(ports, dialogForm(GOOD_FORM)).ok).toBe(true);
    expect(ports.props.get('SYNC_ROW_ID_FIELD')).toBe('900001');
    expect(ports.cache.get('amo:pipelines:v1')).toBeNull();
  });
});

describe('the settings of leads created in AmoCRM', () => {
  it('saves the ticked box as true and the pipelines as ids joined by commas, and shows them', () => {
    const ports = memoryPorts(amo, STORED);
    const form = {
      ...GOOD_FORM,
      IMPORT_NEW_LEADS: 'true',
      IMPORT_PIPELINES: ' 3177727 ; 5959351,',
    };
    expect(saveSettings(ports, dialogForm(form)).ok).toBe(true);
    expect(ports.props.get('IMPORT_NEW_LEADS')).toBe('true');
    expect(ports.props.get('IMPORT_PIPELINES')).toBe('3177727,5959351');
    expect(loadSettings(ports).values).toMatchObject({
      IMPORT_NEW_LEADS: 'true',
      IMPORT_PIPELINES: '3177727,5959351',
    });
  });

  it('an unticked box and an empty list remove both: off, and every pipeline', () => {
    const ports = memoryPorts(amo, { ...STORED, IMPORT_NEW_LEADS: 'true', IMPORT_PIPELINES: '1' });
    expect(saveSettings(ports, dialogForm(GOOD_FORM)).ok).toBe(true);
    expect(ports.props.get('IMPORT_NEW_LEADS')).toBeNull();
    expect(ports.props.get('IMPORT_PIPELINES')).toBeNull();
  });

  it("refuses pipelines that are not ids, on that field, in the person's language; saves nothing", () => {
    for (const [locale, expected] of [
      ['en_US', /^Pipelines are given by their ids.*not "Воронка 2"\.$/],
      ['ru_RU', /^Воронки указываются номерами.*а не «Воронка 2»\.$/],
    ] as const) {
      const ports = memoryPorts(amo, STORED);
      ports.spreadsheet.localeName = locale;
      const form = {
        ...GOOD_FORM,
        IMPORT_NEW_LEADS: 'true',
        IMPORT_PIPELINES: '3177727, Воронка 2',
      };
      const answer = saveSettings(ports, dialogForm(form));
      expect(answer).toEqual({
        ok: false,
        error: expect.stringMatching(expected),
        fields: { IMPORT_PIPELINES: expect.stringMatching(expected) },
      });
      expect(ports.props.writes).toEqual([]);
    }
  });
});

describe('testConnection', () => {
  it("reports the account's name and saves nothing", () => {
    const ports = memoryPorts(amo, {});
    const answer = testConnection(ports, dialogForm(GOOD_FORM));
    expect(answer).toEqual({
      ok: true,
      account: 'example',
      message: 'Connected to the AmoCRM account "example".',
    });
    expect(amo.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /api/v4/account']);
    expect(ports.props.writes).toEqual([]);
  });

  it('uses the stored secrets for the fields left empty', () => {
    const ports = memoryPorts(amo, STORED);
    expect(testConnection(ports, dialogForm({ AMO_BASE_URL: STORED.AMO_BASE_URL }))).toMatchObject({
      ok: true,
      account: 'example',
    });
  });

  it("reports AmoCRM's error", () => {
    amo.acceptedToken = 'another-token-abcdef';
    const ports = memoryPorts(amo, STORED);
    const answer = testConnection(ports, dialogForm({ AMO_BASE_URL: STORED.AMO_BASE_URL }));
    expect(answer).toEqual({
      ok: false,
      error: expect.stringMatching(/AmoCRM did not accept the long-lived token/),
      fields: { AMO_LONG_LIVED_TOKEN: expect.any(String) },
    });
    expectNoSecrets(ports, answer);
  });

  it('says what is missing when there is no way to log in', () => {
    const ports = memoryPorts(amo, {});
    const answer = testConnection(ports, dialogForm({ AMO_BASE_URL: STORED.AMO_BASE_URL }));
    expect(answer).toEqual({
      ok: false,
      error: expect.stringMatching(/paste a long-lived token, or fill in the OAuth fields/),
      fields: { AMO_LONG_LIVED_TOKEN: expect.any(String) },
    });
    expect(amo.requests).toEqual([]);
  });

  it('says an unreachable address could not be reached', () => {
    amo.unreachable = true;
    const ports = memoryPorts(amo, STORED);
    const answer = testConnection(ports, dialogForm({ AMO_BASE_URL: 'http://127.0.0.1:9' }));
    expect(answer).toEqual({
      ok: false,
      error: 'Could not reach 127.0.0.1:9: check the account address and the network.',
      fields: { AMO_BASE_URL: expect.any(String) },
    });
    expect(answer.ok || answer.error.match(/Could not reach/g)).toHaveLength(1);
  });

  it('refuses a bad base URL before sending anything', () => {
    const ports = memoryPorts(amo, STORED);
    const answer = testConnection(ports, dialogForm({ AMO_BASE_URL: 'not a url' }));
    expect(answer).toEqual({
      ok: false,
      error: expect.stringMatching(/"not a url" is not an AmoCRM address/),
      fields: { AMO_BASE_URL: expect.any(String) },
    });
    expect(amo.requests).toEqual([]);
  });

  it('exchanges a new authorization code and keeps the code with the tokens it bought', () => {
    const token = fixture<{ access_token: string }>('oauth_token.json').access_token;
    amo.acceptedToken = token;
    const ports = memoryPorts(amo, { ...STORED, AMO_LONG_LIVED_TOKEN: '' });
    const form = { ...SHOWN, AMO_AUTH_CODE: 'new-code-123456' };
    const answer = testConnection(ports, form);
    expect(answer).toMatchObject({ ok: true, account: 'example' });
    expect(amo.seen('POST /oauth2/access_token')[0].body).toMatchObject({
      grant_type: 'authorization_code',
      code: 'new-code-123456',
      client_secret: STORED.AMO_CLIENT_SECRET,
    });
    const tokens = JSON.parse(ports.props.get(AMO_TOKENS_KEY) ?? '{}');
    expect(tokens.code_hash).toBe(sha256Hex('new-code-123456'));
    expect(ports.props.get('AMO_AUTH_CODE')).toBe('new-code-123456');
    expectNoSecrets(ports, answer, [...SECRETS, 'new-code-123456', token]);
  });
});

describe('an authorization code spent during a failed save', () => {
  it('is kept with the tokens it bought; nothing else is saved', () => {
    amo.acceptedToken = fixture<{ access_token: string }>('oauth_token.json').access_token;
    const ports = memoryPorts(amo, { ...STORED, AMO_LONG_LIVED_TOKEN: '' });
    const form = { ...SHOWN, AMO_AUTH_CODE: 'new-code-123456', AMO_PIPELINE_ID: '42' };
    const answer = saveSettings(ports, form);
    expect(answer).toMatchObject({ ok: false, error: expect.stringMatching(/no pipeline 42/) });
    expect(ports.props.writes).toEqual([`set ${AMO_TOKENS_KEY}`, 'set AMO_AUTH_CODE']);
    expect(ports.props.get('AMO_PIPELINE_ID')).toBe(STORED.AMO_PIPELINE_ID);
    expectNoSecrets(ports, answer, [...SECRETS, 'new-code-123456']);
  });
});

describe('loadPipelines', () => {
  it('lists the pipelines with the statuses a lead may start in', () => {
    const ports = memoryPorts(amo, STORED);
    const answer = loadPipelines(ports, dialogForm({ AMO_BASE_URL: STORED.AMO_BASE_URL }));
    expect(answer).toEqual({
      ok: true,
      pipelines: [
        {
          id: 3177727,
          name: 'Воронка',
          statuses: [
            { id: 32392159, name: 'Первичный контакт' },
            { id: 32392165, name: 'Принимают решение' },
            { id: 142, name: 'Успешно реализовано' },
            { id: 143, name: 'Закрыто и не реализовано' },
          ],
        },
      ],
    });
    expect(ports.props.writes).toEqual([]);
  });

  it('leaves archived pipelines out', () => {
    const list = fixture<{ _embedded: { pipelines: Array<{ is_archive: boolean }> } }>(
      'pipelines_list.json'
    );
    list._embedded.pipelines[0].is_archive = true;
    amo.overrides.set('GET /api/v4/leads/pipelines', { status: 200, body: list });
    const ports = memoryPorts(amo, STORED);
    expect(loadPipelines(ports, dialogForm({ AMO_BASE_URL: STORED.AMO_BASE_URL }))).toEqual({
      ok: true,
      pipelines: [],
    });
  });

  it("reports AmoCRM's error", () => {
    amo.overrides.set('GET /api/v4/leads/pipelines', {
      status: 402,
      body: { title: 'Payment Required', status: 402, detail: 'Account is blocked' },
    });
    const ports = memoryPorts(amo, STORED);
    const answer = loadPipelines(ports, dialogForm({ AMO_BASE_URL: STORED.AMO_BASE_URL }));
    expect(answer).toEqual({
      ok: false,
      error: expect.stringMatching(/paid period has ended/),
      fields: {},
    });
  });
});
