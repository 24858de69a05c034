// Event specs (what a test asks for) and the event objects Apps Script would hand the function,
// built inside the execution's realm: on-edit (with a real Range of that context), on-open,
// on-change, time-driven, and web-app GET/POST built exactly as the platform builds them —
// `parameter` / `parameters` from the query string merged with a form body, `queryString` null
// when there is none, `postData` only for POST, `contentLength` -1 for GET, no headers.

import { readFileSync } from 'node:fs';
import { isoWeek, zonedParts } from './date-format';
import type { AuthMode, Execution, ExecutionKind } from './execution';
import { parseFormPairs, parseMultipartPairs, type Pair } from './form-encoding';
import { checkRect, rangeObject } from './range-service';
import type { TriggerEventType } from './script-app-service';
import { userObject } from './session-logger';
import { spreadsheetObject } from './spreadsheet-service';

export interface EditEventSpec {
  type: 'edit';
  /** Sheet name; default: the first sheet. */
  sheet?: string;
  row: number;
  column: number;
  numRows?: number;
  numColumns?: number;
  /** Value before the edit (single-cell edits only; omitted when the cell was empty). */
  oldValue?: string;
  /** Overrides e.value (default: the cell's current value as a string). */
  value?: string;
  /** A simple `onEdit` trigger (LIMITED auth, no triggerUid) instead of an installable one. */
  simple?: boolean;
  triggerUid?: string;
}

export interface TimeEventSpec {
  type: 'time';
  triggerUid?: string;
}

export interface OpenEventSpec {
  type: 'open';
  /** An installable on-open trigger (FULL auth); default: the simple onOpen. */
  installable?: boolean;
  triggerUid?: string;
}

export interface ChangeEventSpec {
  type: 'change';
  changeType?: string;
  triggerUid?: string;
}

export interface GetEventSpec {
  type: 'get';
  /** Query string without '?', e.g. 'secret=x&y=1'. */
  query?: string;
  /** The path after /exec, without the leading slash. */
  pathInfo?: string;
}

export interface PostEventSpec {
  type: 'post';
  query?: string;
  /** The raw request body. */
  body?: string;
  /** Default: application/x-www-form-urlencoded. */
  contentType?: string;
  pathInfo?: string;
}

/** A menu click or an editor run: the function gets no argument. */
export interface MenuEventSpec {
  type: 'menu';
}

/**
 * A call from a dialog's page (`google.script.run.fn(arg)`): the function gets the argument,
 * copied into the script's realm as Apps Script copies it (plain JSON values).
 */
export interface ClientCallSpec {
  type: 'client';
  arg?: unknown;
}

export type EventSpec =
  | EditEventSpec
  | TimeEventSpec
  | OpenEventSpec
  | ChangeEventSpec
  | GetEventSpec
  | PostEventSpec
  | MenuEventSpec
  | ClientCallSpec;

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** The execution kind and authorization an event implies. */
export function classifyEvent(spec: EventSpec | undefined): {
  kind: ExecutionKind;
  authMode: AuthMode;
} {
  switch (spec?.type) {
    case 'edit':
      return { kind: 'edit', authMode: spec.simple ? 'LIMITED' : 'FULL' };
    case 'open':
      return { kind: 'open', authMode: spec.installable ? 'FULL' : 'LIMITED' };
    case 'change':
      return { kind: 'change', authMode: 'FULL' };
    case 'time':
      return { kind: 'time', authMode: 'FULL' };
    case 'get':
    case 'post':
      return { kind: 'web', authMode: 'FULL' };
    default:
      return { kind: 'manual', authMode: 'FULL' };
  }
}

/** The event object for the function, in the execution's realm (undefined for menu runs). */
export function buildEvent(exec: Execution, spec: EventSpec | undefined, fnName: string): unknown {
  if (!spec || spec.type === 'menu') return undefined;
  if (spec.type === 'client') {
    return spec.arg === undefined
      ? undefined
      : exec.realm.toRealm(JSON.parse(JSON.stringify(spec.arg)));
  }
  const authMode = exec.enumType('AuthMode', ['NONE', 'CUSTOM_FUNCTION', 'LIMITED', 'FULL']);
  const base = { authMode: authMode[exec.authMode] };
  switch (spec.type) {
    case 'edit':
      return exec.realm.toRealm({ ...base, ...editEvent(exec, spec, fnName) });
    case 'open':
      return exec.realm.toRealm({
        ...base,
        source: spreadsheetObject(exec),
        user: userObject(exec, exec.state.options.userEmail),
        triggerUid: spec.installable
          ? triggerUid(exec, spec.triggerUid, fnName, 'ON_OPEN')
          : undefined,
      });
    case 'change':
      return exec.realm.toRealm({
        ...base,
        changeType: spec.changeType ?? 'EDIT',
        source: spreadsheetObject(exec),
        user: userObject(exec, exec.state.options.userEmail),
        triggerUid: triggerUid(exec, spec.triggerUid, fnName, 'ON_CHANGE'),
      });
    case 'time':
      return exec.realm.toRealm({
        ...base,
        ...timeEvent(exec),
        triggerUid: triggerUid(exec, spec.triggerUid, fnName, 'CLOCK'),
      });
    case 'get':
      return exec.realm.toRealm(webEvent(spec.query, spec.pathInfo));
    case 'post':
      return exec.realm.toRealm(
        webEvent(spec.query, spec.pathInfo, {
          body: spec.body ?? '',
          contentType: spec.contentType ?? FORM_CONTENT_TYPE,
        })
      );
  }
}

function editEvent(exec: Execution, spec: EditEventSpec, fnName: string): Record<string, unknown> {
  const model = exec.state.spreadsheet;
  const sheet = spec.sheet === undefined ? model.sheets[0] : model.requireSheet(spec.sheet);
  const rect = checkRect(sheet, {
    row: spec.row,
    column: spec.column,
    numRows: spec.numRows ?? 1,
    numColumns: spec.numColumns ?? 1,
  });
  const single = rect.numRows === 1 && rect.numColumns === 1;
  const current = model.valueOf(sheet, rect.row, rect.column);
  const value =
    spec.value ??
    (current === ''
      ? undefined
      : eventValueText(model.displayOf(sheet, rect.row, rect.column), current));
  return {
    range: rangeObject(exec, sheet, rect),
    source: spreadsheetObject(exec),
    user: userObject(exec, exec.state.options.userEmail),
    value: single ? value : undefined,
    oldValue: single ? spec.oldValue : undefined,
    triggerUid: spec.simple ? undefined : triggerUid(exec, spec.triggerUid, fnName, 'ON_EDIT'),
    // Undocumented but present at run time.
    rowStart: rect.row,
    rowEnd: rect.row + rect.numRows - 1,
    columnStart: rect.column,
    columnEnd: rect.column + rect.numColumns - 1,
  };
}

/** e.value is the cell's value as text: numbers unformatted, booleans TRUE/FALSE. */
function eventValueText(display: string, value: unknown): string {
  if (typeof value === 'number') return String(value);
  return display;
}

function timeEvent(exec: Execution): Record<string, unknown> {
  const p = zonedParts(exec.state.clock.now(), 'UTC');
  return {
    year: p.year,
    month: p.month,
    'day-of-month': p.day,
    'day-of-week': p.weekday,
    'week-of-year': isoWeek(p),
    hour: p.hour,
    minute: p.minute,
    second: p.second,
    timezone: 'UTC',
  };
}

/** The uid of the installed trigger that runs this handler, or a made-up one. */
function triggerUid(
  exec: Execution,
  given: string | undefined,
  fnName: string,
  eventType: TriggerEventType
): string {
  if (given !== undefined) return given;
  const installed = exec.state.triggers.list.find(
    t => t.handler === fnName && t.eventType === eventType
  );
  return installed?.uid ?? `local-${eventType.toLowerCase()}-${exec.id}`;
}

/** e for doGet/doPost. */
export function webEvent(
  query: string | undefined,
  pathInfo: string | undefined,
  post?: { body: string; contentType: string }
): Record<string, unknown> {
  const queryString = (query ?? '').replace(/^\?/, '');
  const pairs: Pair[] = parseFormPairs(queryString);
  if (post) pairs.push(...bodyPairs(post.body, post.contentType));
  const parameter: Record<string, string> = {};
  const parameters: Record<string, string[]> = {};
  for (const [key, value] of pairs) {
    if (!(key in parameters)) {
      parameter[key] = value;
      parameters[key] = [];
    }
    parameters[key].push(value);
  }
  const event: Record<string, unknown> = {
    queryString: queryString === '' ? null : queryString,
    parameter,
    parameters,
    contextPath: '',
    contentLength: post ? Buffer.byteLength(post.body, 'utf8') : -1,
  };
  if (pathInfo !== undefined && pathInfo !== '') event.pathInfo = pathInfo;
  if (post) {
    event.postData = {
      contents: post.body,
      length: Buffer.byteLength(post.body, 'utf8'),
      type: post.contentType.split(';')[0].trim(),
      name: 'postData',
    };
  }
  return event;
}

function bodyPairs(body: string, contentType: string): Pair[] {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === FORM_CONTENT_TYPE) return parseFormPairs(body);
  if (type === 'multipart/form-data') return parseMultipartPairs(body, contentType);
  return [];
}

/**
 * A POST event spec for a form body stored in a file (an AmoCRM webhook fixture). A trailing
 * newline, which editors add, is not part of the body.
 */
export function formPostEventFromFile(path: string, query = ''): PostEventSpec {
  const body = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  return { type: 'post', query, body, contentType: FORM_CONTENT_TYPE };
}
