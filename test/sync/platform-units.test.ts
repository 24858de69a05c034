// The plain-TypeScript side of issue 12, with in-memory ports: the webhook URL (never /dev),
// the background plan, the webhook's state, trigger ownership, consent, Apps Script's own
// refusals, and the row-id field for non-admins and after an admin deleted it.
import { AmoError, platformErrorOf } from '../../src/amo/errors';
import type { KeyValueStore, TriggerInfo, TriggerPort } from '../../src/ports';
import { healRowIdField, isUnknownFieldError } from '../../src/sync/amo-reads';
import { consentMessage, ConsentError, requireConsent, SCOPES } from '../../src/sync/consent';
import { hookState, recordDelivery, recordHookState } from '../../src/sync/hook-state';
import { planBackground } from '../../src/sync/schedule';
import { ensureTriggers, TRIGGERS_KEY } from '../../src/sync/triggers';
import {
  execUrlOf,
  learnWebAppUrl,
  saveWebAppUrl,
  webhookUrl,
  WEB_APP_URL_KEY,
} from '../../src/sync/webhook-url';

class MapStore implements KeyValueStore {
  map = new Map<string, string>();
  get = (k: string) => this.map.get(k) ?? null;
  getAll = () => Object.fromEntries(this.map);
  set = (k: string, v: string) => void this.map.set(k, v);
  setAll = (values: Record<string, string>) =>
    Object.entries(values).forEach(([k, v]) => this.set(k, v));
  delete = (k: string) => void this.map.delete(k);
}

/** Triggers of one project as each user sees them: only their own. */
class UserTriggers implements TriggerPort {
  static all: Array<TriggerInfo & { owner: string }> = [];
  private static next = 1;
  constructor(
    private user: string,
    private url: string | null = null,
    private missing: string[] = []
  ) {}
  list = () => UserTriggers.all.filter(t => t.owner === this.user).map(({ owner: _, ...t }) => t);
  createEdit = (handler: string) => this.add(handler, 'edit');
  createClock = (handler: string) => this.add(handler, 'clock');
  remove = (id: string) => void (UserTriggers.all = UserTriggers.all.filter(t => t.id !== id));
  webAppUrl = () => this.url;
  currentUser = () => this.user;
  missingScopes = (scopes: string[]) => scopes.filter(s => this.missing.includes(s));
  private add(handler: string, kind: 'edit' | 'clock') {
    UserTriggers.all.push({ id: `t${UserTriggers.next++}`, handler, kind, owner: this.user });
  }
}

const EXEC = 'https://script.google.com/macros/s/AKfycbDEPLOY/exec';
const DEV = 'https://script.google.com/macros/s/AKfycbHEAD/dev';
const MINUTE = 60_000;

describe('the webhook URL', () => {
  it('accepts only a web app /exec URL, without its query', () => {
    expect(execUrlOf(`${EXEC}?secret=x`)).toBe(EXEC);
    expect(execUrlOf('https://script.google.com/a/macros/corp.com/s/AKfy/exec')).not.toBeNull();
    expect(execUrlOf(DEV)).toBeNull();
    expect(execUrlOf('')).toBeNull();
  });

  it('is learned only from an /exec URL and never taken from getUrl() outside', () => {
    const props = new MapStore();
    props.set('WEBHOOK_SECRET', 's3cret-value');
    learnWebAppUrl(props, { webAppUrl: () => DEV });
    expect(webhookUrl({ props })).toBeNull();
    learnWebAppUrl(props, { webAppUrl: () => EXEC });
    expect(webhookUrl({ props })).toBe(`${EXEC}?secret=s3cret-value`);
    expect(props.get(WEB_APP_URL_KEY)).toBe(EXEC);
  });

  it('a pasted /dev URL is refused with the reason', () => {
    const props = new MapStore();
    expect(saveWebAppUrl(props, DEV)).toMatch(/development URL/);
    expect(saveWebAppUrl(props, ` ${EXEC} `)).toBeNull();
    expect(props.get(WEB_APP_URL_KEY)).toBe(EXEC);
  });
});

describe('the background plan', () => {
  const T = 1_800_000_000_000;
  it('idles between pulls, runs for queued webhooks at once, pulls every 10 or 5 minutes', () => {
    const props = new MapStore();
    props.set(WEB_APP_URL_KEY, EXEC);
    props.set('SYNC_BACKGROUND_AT', String(T));
    recordHookState(props, T, { subscribed: true, disabled: false, restored: 'ok' });
    expect(planBackground(props.getAll(), T + MINUTE).due).toBe(false);
    expect(planBackground(props.getAll(), T + 10 * MINUTE).due).toBe(true);
    props.set('SYNC_PENDING_LEADS_1', '{"leadIds":[1]}');
    expect(planBackground(props.getAll(), T + MINUTE)).toMatchObject({
      due: true,
      reason: 'queued webhooks',
    });
    props.delete('SYNC_PENDING_LEADS_1');
    // The hook off: every 5 minutes.
    props.set(
      'SYNC_HOOK_STATE',
      JSON.stringify({
        checkedAt: T,
        subscribed: true,
        disabled: true,
        adminNeeded: false,
        error: null,
      })
    );
    expect(planBackground(props.getAll(), T + 5 * MINUTE).due).toBe(true);
    expect(planBackground(props.getAll(), T + 4 * MINUTE).due).toBe(false);
  });
});

describe("the webhook's state", () => {
  it('says what the script does in each case', () => {
    const props = new MapStore();
    expect(hookState(props)).toMatchObject({ urlKnown: false, pullEveryMinutes: 5 });
    expect(hookState(props).summary).toMatch(/open the web app URL/);
    props.set(WEB_APP_URL_KEY, EXEC);
    recordHookState(props, 5, { subscribed: true, disabled: false, restored: 'ok' });
    recordDelivery(props, 7);
    expect(hookState(props)).toMatchObject({
      subscribed: true,
      disabled: false,
      lastDeliveryAt: 7,
      pullEveryMinutes: 10,
    });
    props.set(
      'SYNC_HOOK_STATE',
      JSON.stringify({
        checkedAt: 9,
        subscribed: null,
        disabled: null,
        adminNeeded: true,
        error: 'x',
      })
    );
    expect(hookState(props).summary).toMatch(/administrator/);
  });
});

describe('trigger ownership', () => {
  beforeEach(() => {
    UserTriggers.all = [];
  });

  it("a second editor gets no pair while the owner's runs; takes over once it stopped", () => {
    const props = new MapStore();
    const owner = new UserTriggers('owner@x.com');
    const editor = new UserTriggers('editor@x.com');
    ensureTriggers(owner, { props, now: 0 });
    // An old copy the editor made before the ownership record existed.
    editor.createEdit('handleEdit');
    const second = ensureTriggers(editor, { props, now: 5 * MINUTE });
    expect(second).toMatchObject({ created: [], removed: 1, owner: 'owner@x.com' });
    expect(UserTriggers.all.map(t => t.owner)).toEqual(['owner@x.com', 'owner@x.com']);
    expect(JSON.parse(props.get(TRIGGERS_KEY) ?? '{}')).toMatchObject({ owner: 'owner@x.com' });

    props.set('SYNC_BACKGROUND_AT', String(10 * MINUTE));
    expect(ensureTriggers(editor, { props, now: 39 * MINUTE }).created).toEqual([]);
    const taken = ensureTriggers(editor, { props, now: 41 * MINUTE });
    expect(taken.note).toMatch(/Took over .* owner@x\.com/);
    expect(UserTriggers.all.filter(t => t.owner === 'editor@x.com')).toHaveLength(2);
  });

  it('names the missing permission instead of failing on ScriptApp', () => {
    const triggers = new UserTriggers('a@x.com', null, [SCOPES.triggers]);
    expect(() => ensureTriggers(triggers)).toThrow(ConsentError);
    expect(() => ensureTriggers(triggers)).toThrow(/run when you are not present/);
  });
});

describe('consent and platform errors', () => {
  it('requireConsent names every missing scope; nothing when all are granted', () => {
    const missing = new UserTriggers('a@x.com', null, [SCOPES.external]);
    expect(() => requireConsent(missing, [SCOPES.external], 'talk to AmoCRM')).toThrow(
      /^Permission missing: to talk to AmoCRM .*"Connect to an external service"/
    );
    expect(() => requireConsent(new UserTriggers('a@x.com'), [SCOPES.external], 'x')).not.toThrow();
    expect(consentMessage([SCOPES.external, SCOPES.dialogs], 'x')).toMatch(
      / and .* were not granted/
    );
  });

  it("reads Apps Script's refusals, and leaves network errors alone", () => {
    expect(platformErrorOf('Service invoked too many times for one day: urlfetch.')).toMatchObject({
      reason: 'quota',
    });
    const permission = platformErrorOf(
      'You do not have permission to call UrlFetchApp.fetchAll. Required permissions: https://www.googleapis.com/auth/script.external_request'
    );
    expect(permission?.reason).toBe('permission');
    expect(permission?.message).toMatch(/script\.external_request/);
    expect(platformErrorOf('Address unavailable: https://example.amocrm.ru')).toBeNull();
    expect(platformErrorOf('Timeout: https://example.amocrm.ru')).toBeNull();
  });
});

describe('the row-id field after an admin deleted it', () => {
  const gone = new AmoError({
    kind: 'http',
    status: 400,
    message:
      'AmoCRM rejected the request (400): custom_fields_values.0.field_id: The value you selected is not a valid choice.',
    validationErrors: [{ path: 'custom_fields_values.0.field_id', code: 'NotSupportedChoice' }],
  });

  it('recognises the 400 and heals: the field is forgotten, the rows retried', () => {
    expect(isUnknownFieldError(gone)).toBe(true);
    expect(isUnknownFieldError(gone.message)).toBe(true);
    expect(isUnknownFieldError('AmoCRM rejected the request (400): price: not a number')).toBe(
      false
    );
    const props = new MapStore();
    props.set('SYNC_ROW_ID_FIELD', '970001');
    const failed = { kind: 'failed', message: gone.message, permanent: true };
    const other = {
      kind: 'failed',
      message: 'AmoCRM rejected the request (400): name',
      permanent: true,
    };
    expect(healRowIdField(props, [failed, other])).toBe(true);
    expect(failed.permanent).toBe(false);
    expect(other.permanent).toBe(true);
    expect(props.get('SYNC_ROW_ID_FIELD')).toBeNull();
  });
});
