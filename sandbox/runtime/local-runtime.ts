// LocalRuntime: runs the built bundle the way Apps Script does, one execution at a time. Each
// run() makes a fresh vm context with only the Apps Script globals, evaluates every bundle
// file, calls the named global function with the event object, and reports what happened
// (return value, error, kill, logs, counters). Spreadsheet, properties, caches, triggers, locks,
// UI record and the virtual clock persist across runs. A run may start while another is blocked
// inside a service call (from runtime.hooks.afterFetch): that is a nested, concurrent execution.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { types } from 'node:util';
import vm from 'node:vm';
import { BundleLoader } from './bundle-loader';
import { createCacheStores, type CacheStores } from './cache-service';
import { VirtualClock } from './clock';
import { MIME_TYPES, type TextOutputRecord } from './content-service';
import { GasException } from './errors';
import { buildEvent, classifyEvent, type EditEventSpec, type EventSpec } from './events';
import {
  Execution,
  type Counters,
  type ExecutionKind,
  type ExecutionView,
  type LogEntry,
} from './execution';
import { installGlobals } from './globals';
import type { HtmlOutputRecord } from './html-service';
import { HttpClient } from './http-client';
import { LockTable } from './lock-service';
import { resolveOptions, type LocalRuntimeOptions, type ResolvedOptions } from './options';
import { createPropertyStores, type PropertyStores } from './properties-service';
import type { MemberInfo } from './realm';
import { TriggerStore, triggerOwner, type TriggerRecord } from './script-app-service';
import { SpreadsheetModel } from './sheet-model';
import { SpreadsheetControl } from './spreadsheet-control';
import type { RuntimeHooks, RuntimeState } from './state';
import { UiRecorder } from './ui-service';
import { UserDirectory } from './users';
import {
  errorPage,
  NO_OUTPUT_PAGE,
  startWebFront,
  type FrontAnswer,
  type FrontRequest,
  type WebApp,
} from './web-app-front';

export interface RunResult {
  executionId: string;
  fnName: string;
  kind: ExecutionKind;
  /** The return value cloned into the host realm; service objects become `{ type, … }`. */
  returned: unknown;
  /** Content of a returned TextOutput/HtmlOutput (what a web-app client receives). */
  output?: { content: string; mimeType: string };
  /** `Name: message` plus stack, or null. */
  error: string | null;
  errorMessage: string | null;
  killed: boolean;
  killReason: string | null;
  /** Log lines (Logger and console), in order. */
  logs: string[];
  logEntries: LogEntry[];
  counters: Counters;
  /** Virtual times. */
  startedAt: number;
  endedAt: number;
}

export interface WebExecutionRecord {
  method: string;
  pathInfo: string | undefined;
  query: string;
  requestBody: string;
  status: number;
  contentType: string;
  responseBody: string;
  result: RunResult | null;
}

const FAKE_WEB_APP_URL = 'https://script.google.com/macros/s/LOCAL/exec';
const INVOKE_KEY = '__localRuntimeInvoke__';
const INVOKE = new vm.Script(
  `(function () { var f = globalThis.${INVOKE_KEY}; delete globalThis.${INVOKE_KEY}; return f(); })()`,
  { filename: 'local-runtime-invoke' }
);
const SETTLE = `(function (p) {
  var box = { done: false, failed: false, value: undefined };
  p.then(function (v) { box.done = true; box.value = v; }, function (e) { box.done = true; box.failed = true; box.value = e; });
  return box;
})`;

export class LocalRuntime {
  readonly options: ResolvedOptions;
  readonly clock: VirtualClock;
  readonly spreadsheet: SpreadsheetControl;
  readonly properties: PropertyStores;
  readonly cache: CacheStores;
  readonly triggers = new TriggerStore();
  readonly locks = new LockTable();
  readonly ui = new UiRecorder();
  readonly hooks: RuntimeHooks = {};
  /** Who runs each execution, consent per user (see users.ts). */
  readonly users: UserDirectory;
  /** Every finished execution, in order of completion. */
  readonly executions: RunResult[] = [];
  /** Every request the web-app front answered. */
  readonly webExecutions: WebExecutionRecord[] = [];
  private readonly state: RuntimeState;
  private readonly http: HttpClient;
  private readonly bundle: BundleLoader;
  private readonly running: Execution[] = [];
  private front: WebApp | null = null;
  private seq = 0;

  constructor(options: LocalRuntimeOptions = {}) {
    this.options = resolveOptions(options);
    this.clock = new VirtualClock(this.options.startTime);
    const model = new SpreadsheetModel(
      this.options.spreadsheetName,
      this.options.spreadsheetId,
      this.options.spreadsheetTimeZone
    );
    model.locale = this.options.spreadsheetLocale;
    this.options.sheets.forEach(name => model.addSheet(name));
    this.spreadsheet = new SpreadsheetControl(model);
    this.properties = createPropertyStores();
    this.cache = createCacheStores(() => this.clock.now());
    this.http = new HttpClient(this.options.fetchTimeoutMs);
    this.bundle = new BundleLoader(this.options.bundleDir);
    this.users = new UserDirectory({ owner: this.options.userEmail, ...this.options.users });
    this.state = {
      options: this.options,
      clock: this.clock,
      spreadsheet: model,
      properties: this.properties,
      caches: this.cache,
      triggers: this.triggers,
      locks: this.locks,
      ui: this.ui,
      http: this.http,
      hooks: this.hooks,
      depth: () => this.running.length,
      users: this.users,
      webAppUrl: () => this.front?.url ?? FAKE_WEB_APP_URL,
      readHtmlFile: name => readOptional(join(this.options.bundleDir, `${name}.html`)),
    };
  }

  /** The execution currently running (the innermost one when nested), if any. */
  get currentExecution(): ExecutionView | undefined {
    return this.running[this.running.length - 1];
  }

  /** Runs a global function of the bundle with an event built from `event`. */
  run(fnName: string, event?: EventSpec): RunResult {
    if (this.bundle.files().length === 0) this.bundle.scripts();
    const { kind, authMode } = classifyEvent(event);
    this.seq += 1;
    const exec = new Execution(this.state, { id: `exec-${this.seq}`, fnName, kind, authMode });
    this.users.bind(exec, triggerOwner(this.triggers, event));
    this.running.push(exec);
    let returned: unknown;
    let failure: { error: unknown } | null = null;
    try {
      returned = this.execute(exec, fnName, event);
    } catch (error) {
      failure = { error };
    } finally {
      this.running.pop();
      this.locks.releaseAll(exec.id);
    }
    if (exec.killReason === null && exec.elapsedMs() > this.options.maxExecutionMs) {
      // Google would have stopped it at the limit, wherever it was.
      exec.killReason = 'Exceeded maximum execution time';
    }
    const result = this.result(exec, returned, failure);
    this.executions.push(result);
    if (exec.hookFailure) throw exec.hookFailure.error;
    return result;
  }

  /**
   * A person edits cells: the values are stored as typed input, then the simple `onEdit` (if the
   * bundle declares one) and every installed on-edit trigger run, in that order.
   */
  userEdit(edit: { sheet?: string; row: number; column: number; values: unknown }): RunResult[] {
    const sheet = edit.sheet ?? this.spreadsheet.sheetNames()[0];
    const grid = toGrid(edit.values);
    const single = grid.length === 1 && grid[0].length === 1;
    const before = single ? this.spreadsheet.cell(sheet, edit.row, edit.column) : undefined;
    // Data validation that rejects input refuses the edit: nothing changes, no trigger runs.
    if (!this.spreadsheet.typeValues(sheet, edit.row, edit.column, grid)) return [];
    const spec: EditEventSpec = {
      type: 'edit',
      sheet,
      row: edit.row,
      column: edit.column,
      numRows: grid.length,
      numColumns: Math.max(...grid.map(line => line.length)),
      oldValue:
        before && before.value !== '' ? oldValueText(before.value, before.display) : undefined,
    };
    const results: RunResult[] = [];
    const simple = this.runIfDeclared('onEdit', { ...spec, simple: true });
    if (simple) results.push(simple);
    for (const trigger of this.triggers.byEventType('ON_EDIT')) {
      results.push(this.run(trigger.handler, { ...spec, triggerUid: trigger.uid }));
    }
    return results;
  }

  /** A person opens the spreadsheet: simple onOpen, then installed on-open triggers. */
  openSpreadsheet(): RunResult[] {
    const results: RunResult[] = [];
    const simple = this.runIfDeclared('onOpen', { type: 'open' });
    if (simple) results.push(simple);
    for (const trigger of this.triggers.byEventType('ON_OPEN')) {
      results.push(
        this.run(trigger.handler, { type: 'open', installable: true, triggerUid: trigger.uid })
      );
    }
    return results;
  }

  /** Runs one installed trigger's handler with the event its type implies. */
  fireTrigger(uid: string, edit?: Omit<EditEventSpec, 'type'>): RunResult {
    const trigger = this.triggers.get(uid);
    if (!trigger) throw new Error(`No trigger with id ${uid}`);
    return this.run(trigger.handler, triggerEvent(trigger, edit));
  }

  /**
   * Fires every time-driven trigger once; a one-shot trigger (after/at) only when its time has
   * come and only the first time.
   */
  fireTimeTriggers(): RunResult[] {
    const now = this.clock.now();
    return this.triggers
      .byEventType('CLOCK')
      .filter(
        t => t.schedule?.at === undefined || (t.schedule.at <= now && t.firedAt === undefined)
      )
      .map(t => {
        if (t.schedule?.at !== undefined) this.triggers.markFired(t.uid, now);
        return this.run(t.handler, { type: 'time', triggerUid: t.uid });
      });
  }

  /** Starts the web-app front; ScriptApp.getService().getUrl() returns its URL from then on. */
  async startWebApp(): Promise<WebApp> {
    if (this.front) return this.front;
    const front = await startWebFront(request => this.answerWeb(request), this.options);
    this.front = {
      url: front.url,
      stop: async () => {
        this.front = null;
        await front.stop();
      },
    };
    return this.front;
  }

  /**
   * Back to a fresh spreadsheet, stores, caches, triggers, locks, UI record, execution records
   * and clock, keeping the loaded bundle, the fetch worker and the web-app front (a test that
   * runs thousands of short worlds resets one runtime instead of starting new ones). Hooks stay.
   */
  reset(startTime: number = this.options.startTime): void {
    if (this.running.length > 0) throw new Error('reset() while an execution is running');
    this.clock.set(startTime);
    const model = this.spreadsheet.model;
    model.sheets.splice(0);
    this.options.sheets.forEach(name => model.addSheet(name));
    model.activeSheetId = model.sheets[0]?.id ?? 0;
    for (const store of [this.properties.script, this.properties.document, this.properties.user])
      store.clear();
    this.cache.evictAll();
    this.triggers.clear();
    this.locks.clear();
    this.ui.clear();
    this.executions.length = 0;
    this.webExecutions.length = 0;
    this.seq = 0;
  }

  /** Stops the web-app front and the fetch worker. */
  async dispose(): Promise<void> {
    await this.front?.stop();
    await this.http.dispose();
  }

  private execute(exec: Execution, fnName: string, event: EventSpec | undefined): unknown {
    installGlobals(exec);
    // displayErrors off: node would otherwise prepend source excerpts to the script's stacks.
    const vmOptions = {
      displayErrors: false,
      ...(this.options.cpuTimeoutMs > 0 ? { timeout: this.options.cpuTimeoutMs } : {}),
    };
    for (const script of this.bundle.scripts()) script.runInContext(exec.realm.context, vmOptions);
    const fn = exec.realm.context[fnName] as unknown;
    if (typeof fn !== 'function') throw new GasException(`Script function not found: ${fnName}`);
    const arg = buildEvent(exec, event, fnName);
    const global = exec.realm.context;
    exec.realm.defineGlobal(INVOKE_KEY, () =>
      arg === undefined ? fn.call(global) : fn.call(global, arg)
    );
    const value = INVOKE.runInContext(exec.realm.context, vmOptions) as unknown;
    return types.isPromise(value) ? settle(exec, value) : value;
  }

  private result(
    exec: Execution,
    returned: unknown,
    failure: { error: unknown } | null
  ): RunResult {
    const err = failure?.error;
    if (isScriptTimeout(err) && exec.killReason === null) {
      exec.killReason = `Exceeded maximum execution time (real-time watchdog, ${this.options.cpuTimeoutMs} ms)`;
    }
    const killed = exec.killReason !== null;
    const value = killed || failure ? undefined : returned;
    const output = outputOf(exec, value);
    exec.counters.virtualMs = exec.elapsedMs();
    return {
      executionId: exec.id,
      fnName: exec.fnName,
      kind: exec.kind,
      returned: exec.realm.toHost(value, describe),
      ...(output ? { output } : {}),
      error: failure ? errorText(err) : null,
      errorMessage: failure ? errorMessage(err) : null,
      killed,
      killReason: exec.killReason,
      logs: exec.logs.map(entry => entry.message),
      logEntries: [...exec.logs],
      counters: { ...exec.counters, httpByEndpoint: { ...exec.counters.httpByEndpoint } },
      startedAt: exec.startedAt,
      endedAt: this.clock.now(),
    };
  }

  /** Runs a simple trigger only if the bundle declares the function (as Apps Script does). */
  private runIfDeclared(fnName: string, event: EventSpec): RunResult | undefined {
    if (!new RegExp(`\\bfunction\\s+${fnName}\\s*\\(`).test(this.bundle.source())) return undefined;
    const result = this.run(fnName, event);
    return result.errorMessage?.startsWith('Script function not found') ? undefined : result;
  }

  private answerWeb(request: FrontRequest): FrontAnswer {
    const method = request.method.toUpperCase();
    let result: RunResult | null = null;
    let answer: FrontAnswer;
    if (method !== 'GET' && method !== 'POST') {
      answer = { status: 405, contentType: 'text/plain', body: 'Method Not Allowed' };
    } else {
      result =
        method === 'GET'
          ? this.run('doGet', { type: 'get', query: request.query, pathInfo: request.pathInfo })
          : this.run('doPost', {
              type: 'post',
              query: request.query,
              pathInfo: request.pathInfo,
              body: request.body,
              contentType: request.contentType || 'application/octet-stream',
            });
      answer = webAnswer(result);
    }
    this.webExecutions.push({
      method,
      pathInfo: request.pathInfo,
      query: request.query,
      requestBody: request.body,
      status: answer.status,
      contentType: answer.contentType,
      responseBody: answer.body,
      result,
    });
    return answer;
  }
}

function webAnswer(result: RunResult): FrontAnswer {
  const html = 'text/html; charset=utf-8';
  if (result.killed)
    return { status: 200, contentType: html, body: errorPage(result.killReason ?? '') };
  if (result.error !== null) {
    const message = result.errorMessage ?? '';
    const shown = message.startsWith('Script function not found')
      ? message
      : firstLine(result.error);
    return { status: 200, contentType: html, body: errorPage(shown) };
  }
  if (!result.output) return { status: 200, contentType: html, body: NO_OUTPUT_PAGE };
  return {
    status: 200,
    contentType: `${result.output.mimeType}; charset=utf-8`,
    body: result.output.content,
  };
}

function triggerEvent(trigger: TriggerRecord, edit?: Omit<EditEventSpec, 'type'>): EventSpec {
  switch (trigger.eventType) {
    case 'CLOCK':
      return { type: 'time', triggerUid: trigger.uid };
    case 'ON_OPEN':
      return { type: 'open', installable: true, triggerUid: trigger.uid };
    case 'ON_EDIT':
      return { type: 'edit', row: 1, column: 1, ...edit, triggerUid: trigger.uid };
    default:
      return { type: 'change', triggerUid: trigger.uid };
  }
}

/** Lets the realm's promise jobs run and returns the settled value of an async entry point. */
function settle(exec: Execution, promise: unknown): unknown {
  const attach = vm.runInContext(SETTLE, exec.realm.context) as (p: unknown) => {
    done: boolean;
    failed: boolean;
    value: unknown;
  };
  const box = attach(promise);
  vm.runInContext('void 0', exec.realm.context);
  if (box.failed) throw box.value;
  return box.done ? box.value : promise;
}

function describe(info: MemberInfo): unknown {
  if (info.className === 'TextOutput') {
    const record = info.host as TextOutputRecord;
    return { type: 'TextOutput', content: record.content, mimeType: MIME_TYPES[record.mimeType] };
  }
  if (info.className === 'HtmlOutput') {
    const record = info.host as HtmlOutputRecord;
    return {
      type: 'HtmlOutput',
      content: record.content,
      title: record.title,
      mimeType: 'text/html',
    };
  }
  return { type: info.className };
}

function outputOf(exec: Execution, value: unknown): RunResult['output'] {
  const info = exec.realm.infoOf(value);
  if (info?.className !== 'TextOutput' && info?.className !== 'HtmlOutput') return undefined;
  const { content, mimeType } = describe(info) as { content: string; mimeType: string };
  return { content, mimeType };
}

function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'stack' in err && typeof err.stack === 'string') {
    const name = 'name' in err ? String(err.name) : 'Error';
    const message = 'message' in err ? String(err.message) : '';
    const head = `${name}: ${message}`;
    return err.stack.startsWith(head) ? err.stack : `${head}\n${err.stack}`;
  }
  return String(err);
}

function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err) return String(err.message);
  return String(err);
}

function isScriptTimeout(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    err.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

function toGrid(values: unknown): unknown[][] {
  if (Array.isArray(values) && values.every(line => Array.isArray(line)))
    return values as unknown[][];
  if (Array.isArray(values)) return [values];
  return [[values]];
}

function oldValueText(value: unknown, display: string): string {
  return typeof value === 'number' ? String(value) : display;
}

function readOptional(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
