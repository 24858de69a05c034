// ScriptApp: installable triggers kept in a TriggerStore that outlives executions (the test
// reads `runtime.triggers` and fires them with `runtime.fireTrigger`), the web app's URL, the
// script id, consent checks, and the AuthMode/EventType/TriggerSource/AuthorizationStatus
// enums. Builders validate what Apps Script validates (everyMinutes ∈ {1,5,10,15,30},
// everyHours ∈ {1,2,4,6,8,12}, 20 triggers per user).
//
// Platform rules kept here (sources in README.md, "Real-platform rules"):
// - a trigger belongs to the user whose execution created it; `getProjectTriggers()` lists only
//   the current user's, and every user's triggers fire (as that user);
// - `getService().getUrl()` is the deployment's /exec URL inside doGet/doPost only; elsewhere
//   the `/dev` URL or an outdated one (option `webAppUrlOutside`);
// - `getAuthorizationInfo(FULL[, scopes])`, `requireAllScopes(FULL)`, `requireScopes(FULL,
//   scopes)` judge the manifest's `oauthScopes` against what the user granted.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GasException, signatureMismatch } from './errors';
import { requireFullAuth, type Execution } from './execution';

export type TriggerEventType = 'CLOCK' | 'ON_OPEN' | 'ON_EDIT' | 'ON_CHANGE' | 'ON_FORM_SUBMIT';

export interface ClockSchedule {
  everyMinutes?: number;
  everyHours?: number;
  everyDays?: number;
  everyWeeks?: number;
  atHour?: number;
  nearMinute?: number;
  onWeekDay?: string;
  onMonthDay?: number;
  /** One-shot: fire at this virtual time (from after(ms) or at(date)). */
  at?: number;
  timeZone?: string;
}

export interface TriggerRecord {
  uid: string;
  handler: string;
  eventType: TriggerEventType;
  source: 'CLOCK' | 'SPREADSHEETS';
  sourceId: string | null;
  schedule?: ClockSchedule;
  /** Virtual time of creation. */
  createdAt: number;
  /** Virtual time a one-shot (after/at) trigger fired; it stays listed, as on the platform. */
  firedAt?: number;
  /** The user whose execution created it; it runs as that user and only they can list it. */
  owner: string;
}

const MAX_TRIGGERS = 20;
const SCOPE = 'https://www.googleapis.com/auth/script.scriptapp';
const EVERY_MINUTES = [1, 5, 10, 15, 30];
const EVERY_HOURS = [1, 2, 4, 6, 8, 12];
const WEEK_DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

export class TriggerStore {
  private readonly records: TriggerRecord[] = [];
  private seq = 0;

  /** The installed triggers (a copy). */
  get list(): TriggerRecord[] {
    return this.records.map(r => ({ ...r, schedule: r.schedule && { ...r.schedule } }));
  }

  add(record: Omit<TriggerRecord, 'uid'>): TriggerRecord {
    if (this.records.filter(r => r.owner === record.owner).length >= MAX_TRIGGERS) {
      throw new GasException(
        'This script has too many triggers. Triggers must be deleted from the script before more can be added.'
      );
    }
    this.seq += 1;
    const full = { ...record, uid: String(4_300_000_000_000_000 + this.seq * 7_919) };
    this.records.push(full);
    return full;
  }

  get(uid: string): TriggerRecord | undefined {
    return this.records.find(r => r.uid === uid);
  }

  markFired(uid: string, at: number): void {
    const record = this.records.find(r => r.uid === uid);
    if (record) record.firedAt = at;
  }

  remove(uid: string): void {
    const i = this.records.findIndex(r => r.uid === uid);
    if (i >= 0) this.records.splice(i, 1);
  }

  byHandler(handler: string): TriggerRecord[] {
    return this.list.filter(r => r.handler === handler);
  }

  byEventType(eventType: TriggerEventType): TriggerRecord[] {
    return this.list.filter(r => r.eventType === eventType);
  }

  clear(): void {
    this.records.length = 0;
  }
}

/** The user a trigger-fired event runs as (undefined for any other event). */
export function triggerOwner(store: TriggerStore, event: unknown): string | undefined {
  const uid = (event as { triggerUid?: unknown } | undefined)?.triggerUid;
  return typeof uid === 'string' ? store.get(uid)?.owner : undefined;
}

export function createScriptApp(exec: Execution): object {
  const { triggers, options, users } = exec.state;
  const enums = scriptEnums(exec);
  const mine = () => triggers.list.filter(r => r.owner === users.userOf(exec));
  return exec.object(
    'ScriptApp',
    {
      newTrigger: handler => {
        if (typeof handler !== 'string') throw signatureMismatch('ScriptApp.newTrigger', [handler]);
        return triggerBuilder(exec, handler);
      },
      getProjectTriggers: () => {
        requireFullAuth(exec, 'ScriptApp.getProjectTriggers', SCOPE);
        return mine().map(r => triggerObject(exec, r));
      },
      getUserTriggers: source => {
        requireFullAuth(exec, 'ScriptApp.getUserTriggers', SCOPE);
        const id = sourceIdOf(exec, source);
        return mine()
          .filter(r => r.sourceId === id)
          .map(r => triggerObject(exec, r));
      },
      getScriptTriggers: () =>
        mine()
          .filter(r => r.source === 'CLOCK')
          .map(r => triggerObject(exec, r)),
      deleteTrigger: trigger => {
        requireFullAuth(exec, 'ScriptApp.deleteTrigger', SCOPE);
        const record = exec.hostOf<TriggerRecord>(trigger, 'Trigger');
        if (!record) throw signatureMismatch('ScriptApp.deleteTrigger', [trigger]);
        if (record.owner === users.userOf(exec)) triggers.remove(record.uid);
      },
      getService: () =>
        exec.object('Service', {
          getUrl: () => serviceUrl(exec),
          isEnabled: () => true,
        }),
      getAuthorizationInfo: (mode, scopes) => authorizationInfo(exec, mode, scopes),
      requireAllScopes: mode => requireScopes(exec, mode, undefined),
      requireScopes: (mode, scopes) => requireScopes(exec, mode, scopes),
      getScriptId: () => options.scriptId,
      getOAuthToken: () => 'local-runtime-oauth-token',
      invalidateAuth: () => undefined,
    },
    { props: enums }
  );
}

function scriptEnums(exec: Execution): Record<string, object> {
  return {
    AuthMode: exec.enumType('AuthMode', ['NONE', 'CUSTOM_FUNCTION', 'LIMITED', 'FULL']),
    EventType: exec.enumType('EventType', [
      'CLOCK',
      'ON_OPEN',
      'ON_EDIT',
      'ON_FORM_SUBMIT',
      'ON_CHANGE',
      'ON_EVENT_UPDATED',
    ]),
    TriggerSource: exec.enumType('TriggerSource', [
      'SPREADSHEETS',
      'CLOCK',
      'FORMS',
      'DOCUMENTS',
      'CALENDAR',
    ]),
    WeekDay: exec.enumType('WeekDay', WEEK_DAYS),
    AuthorizationStatus: exec.enumType('AuthorizationStatus', ['REQUIRED', 'NOT_REQUIRED']),
  };
}

const STALE_DEPLOYMENT = 'AKfycbStaleDeployment';

/** /exec inside a web-app execution; elsewhere what `webAppUrlOutside` chooses. */
function serviceUrl(exec: Execution): string {
  const exec_ = exec.state.webAppUrl();
  const outside = exec.state.options.webAppUrlOutside;
  if (exec.isWebApp || outside === 'exec') return exec_;
  if (outside === 'stale') {
    // Another (older) deployment's /exec: Google's form replaces the id, the front's gains one.
    return /\/macros\/s\/[^/]+\/exec$/.test(exec_)
      ? exec_.replace(/\/s\/[^/]+\/exec$/, `/s/${STALE_DEPLOYMENT}/exec`)
      : exec_.replace(/\/exec$/, `/s/${STALE_DEPLOYMENT}/exec`);
  }
  return exec_.replace(/\/exec$/, '/dev');
}

/** The manifest's oauthScopes: what the script asks people to consent to. */
export function manifestScopes(bundleDir: string): string[] {
  const path = join(bundleDir, 'appsscript.json');
  if (!existsSync(path)) return [];
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { oauthScopes?: unknown };
    return Array.isArray(manifest.oauthScopes) ? manifest.oauthScopes.map(String) : [];
  } catch {
    return [];
  }
}

function scopesAsked(exec: Execution, scopes: unknown): string[] {
  if (scopes === undefined) return manifestScopes(exec.state.options.bundleDir);
  if (!Array.isArray(scopes)) throw signatureMismatch('ScriptApp.getAuthorizationInfo', [scopes]);
  return scopes.map(String);
}

function missingScopes(exec: Execution, scopes: string[]): string[] {
  const user = exec.state.users.userOf(exec);
  return scopes.filter(s => !exec.state.users.hasScope(user, s));
}

function authorizationInfo(exec: Execution, mode: unknown, scopes: unknown): object {
  checkMode(exec, mode, 'ScriptApp.getAuthorizationInfo');
  const asked = scopesAsked(exec, scopes);
  const missing = missingScopes(exec, asked);
  const statuses = scriptEnums(exec).AuthorizationStatus as Record<string, object>;
  const url = `https://script.google.com/macros/d/${exec.state.options.scriptId}/authorize`;
  return exec.object('AuthorizationInfo', {
    getAuthorizationStatus: () => statuses[missing.length > 0 ? 'REQUIRED' : 'NOT_REQUIRED'],
    getAuthorizationUrl: () => (missing.length > 0 ? url : null),
    getAuthorizedScopes: () => asked.filter(s => !missing.includes(s)),
  });
}

/**
 * "If any consents are missing, then this method ends the current execution and renders an
 * authorization prompt": here the execution is killed (nothing after it runs) with the
 * wording Apps Script uses when authorization is needed.
 */
function requireScopes(exec: Execution, mode: unknown, scopes: unknown): void {
  checkMode(exec, mode, 'ScriptApp.requireScopes');
  if (missingScopes(exec, scopesAsked(exec, scopes)).length > 0) {
    exec.killNow('Authorization is required to perform that action.');
  }
}

function checkMode(exec: Execution, mode: unknown, method: string): void {
  const modes = scriptEnums(exec).AuthMode as Record<string, object>;
  if (!Object.values(modes).includes(mode as object)) throw signatureMismatch(method, [mode]);
}

function sourceIdOf(exec: Execution, source: unknown): string {
  const model = exec.hostOf<{ id: string }>(source, 'Spreadsheet');
  if (model) return model.id;
  if (typeof source === 'string') return source;
  throw signatureMismatch('ScriptApp.forSpreadsheet', [source]);
}

function triggerBuilder(exec: Execution, handler: string): object {
  return exec.object('TriggerBuilder', {
    timeBased: () => clockBuilder(exec, handler),
    forSpreadsheet: source => spreadsheetBuilder(exec, handler, sourceIdOf(exec, source)),
  });
}

function create(
  exec: Execution,
  record: Omit<TriggerRecord, 'uid' | 'createdAt' | 'owner'>
): object {
  requireFullAuth(exec, 'TriggerBuilder.create', SCOPE);
  const stored = exec.state.triggers.add({
    ...record,
    createdAt: exec.state.clock.now(),
    owner: exec.state.users.userOf(exec),
  });
  return triggerObject(exec, stored);
}

function clockBuilder(exec: Execution, handler: string): object {
  const schedule: ClockSchedule = {};
  const int = (method: string, value: unknown): number => {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw signatureMismatch(`ClockTriggerBuilder.${method}`, [value]);
    }
    return value;
  };
  const self: object = exec.object('ClockTriggerBuilder', {
    everyMinutes: n => {
      const minutes = int('everyMinutes', n);
      if (!EVERY_MINUTES.includes(minutes)) {
        throw new GasException(
          'Invalid argument: minutes. Accepted values are 1, 5, 10, 15 and 30.'
        );
      }
      schedule.everyMinutes = minutes;
      return self;
    },
    everyHours: n => {
      const hours = int('everyHours', n);
      if (!EVERY_HOURS.includes(hours)) {
        throw new GasException(
          'Invalid argument: hours. Accepted values are 1, 2, 4, 6, 8 and 12.'
        );
      }
      schedule.everyHours = hours;
      return self;
    },
    everyDays: n => {
      schedule.everyDays = int('everyDays', n);
      return self;
    },
    everyWeeks: n => {
      schedule.everyWeeks = int('everyWeeks', n);
      return self;
    },
    atHour: n => {
      schedule.atHour = int('atHour', n);
      return self;
    },
    nearMinute: n => {
      schedule.nearMinute = int('nearMinute', n);
      return self;
    },
    onWeekDay: day => {
      schedule.onWeekDay = String(day);
      return self;
    },
    onMonthDay: n => {
      schedule.onMonthDay = int('onMonthDay', n);
      return self;
    },
    after: ms => {
      schedule.at = exec.state.clock.now() + int('after', ms);
      return self;
    },
    at: date => {
      if (!(date instanceof exec.realm.intrinsics.Date))
        throw signatureMismatch('ClockTriggerBuilder.at', [date]);
      schedule.at = (date as Date).getTime();
      return self;
    },
    inTimezone: tz => {
      schedule.timeZone = String(tz);
      return self;
    },
    create: () => {
      if (Object.keys(schedule).filter(k => k !== 'timeZone').length === 0) {
        throw new GasException('The trigger schedule is not set.');
      }
      return create(exec, {
        handler,
        eventType: 'CLOCK',
        source: 'CLOCK',
        sourceId: null,
        schedule,
      });
    },
  });
  return self;
}

function spreadsheetBuilder(exec: Execution, handler: string, sourceId: string): object {
  let eventType: TriggerEventType | null = null;
  const on = (type: TriggerEventType) => () => {
    eventType = type;
    return self;
  };
  const self: object = exec.object('SpreadsheetTriggerBuilder', {
    onEdit: on('ON_EDIT'),
    onOpen: on('ON_OPEN'),
    onChange: on('ON_CHANGE'),
    onFormSubmit: on('ON_FORM_SUBMIT'),
    create: () => {
      if (eventType === null) throw new GasException('The trigger type is not set.');
      return create(exec, { handler, eventType, source: 'SPREADSHEETS', sourceId });
    },
  });
  return self;
}

function triggerObject(exec: Execution, record: TriggerRecord): object {
  const enums = scriptEnums(exec) as Record<string, Record<string, object>>;
  return exec.object(
    'Trigger',
    {
      getHandlerFunction: () => record.handler,
      getUniqueId: () => record.uid,
      getEventType: () => enums.EventType[record.eventType],
      getTriggerSource: () => enums.TriggerSource[record.source],
      getTriggerSourceId: () => record.sourceId,
    },
    { host: record }
  );
}
