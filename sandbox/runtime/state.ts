// The state one LocalRuntime keeps across executions — spreadsheet, property stores, caches,
// triggers, locks, UI record, virtual clock, HTTP client — gathered in one object that every
// service factory receives next to its Execution. Nothing in here belongs to a single run.

import type { CacheStores } from './cache-service';
import type { VirtualClock } from './clock';
import type { ExecutionView } from './execution';
import type { HttpClient } from './http-client';
import type { LockTable } from './lock-service';
import type { ResolvedOptions } from './options';
import type { PropertyStores } from './properties-service';
import type { TriggerStore } from './script-app-service';
import type { SpreadsheetModel } from './sheet-model';
import type { UiRecorder } from './ui-service';
import type { UserDirectory } from './users';

/** A request as the afterFetch hook sees it. */
export interface FetchedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  payload: string | undefined;
}

/** A response as the afterFetch hook sees it (header names lower-cased). */
export interface FetchedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The services whose calls are boundaries (see README, "Boundaries and faults"). */
export type BoundaryService = 'Spreadsheet' | 'UrlFetchApp' | 'Properties' | 'Cache' | 'Lock';

/**
 * Where an execution stands when `hooks.atBoundary` is called: about to make a service call
 * (`before`), or, for UrlFetchApp only, holding the answers the script has not seen yet (`after`).
 */
export interface BoundaryInfo {
  execution: ExecutionView;
  service: BoundaryService;
  /** `Range.setValues`, `Properties.getProperty`, `UrlFetchApp.fetchAll`, `SpreadsheetApp.flush`… */
  method: string;
  phase: 'before' | 'after';
  /** Spreadsheet calls: whether the call writes. */
  write?: boolean;
  /** Spreadsheet calls on a sheet (or a range of it): the sheet's name. */
  sheet?: string;
  /** A Range read: the rectangle it reads (1-based, as on the sheet at the call). */
  range?: { row: number; column: number; numRows: number; numColumns: number };
  /** UrlFetchApp calls: the requests of the call (a fetchAll batch gives several). */
  requests?: Array<{ method: string; url: string; payload: string | undefined }>;
  /** UrlFetchApp, phase `after`: what the server answered (status 0: no answer). */
  responses?: Array<{ status: number; body: string }>;
  /** How many executions are running, this one included (2 or more: nested). */
  depth: number;
}

/**
 * What a boundary hook may do to the calling execution instead of letting the call go on:
 *  - `kill`: the execution is killed right there (before the call, or after the answer came);
 *  - `throw`: the call throws an Apps Script `Exception` with this message and has no effect
 *    (a `SpreadsheetApp.flush()` that fails once, a Properties call that fails…); with
 *    `loseWrites` the Range writes this execution made since its last flush or read are undone
 *    first, as a failed flush loses the writes Apps Script had buffered;
 *  - `respond` (UrlFetchApp, `before`): every request of the call gets this answer without
 *    reaching the server (a 5xx, a 429 with Retry-After);
 *  - `lose` (UrlFetchApp, `after`): the server processed the requests but the script gets a
 *    transport error instead of the answers (the answer was lost on the way back).
 */
export type BoundaryFault =
  | { fault: 'kill'; reason?: string }
  | { fault: 'throw'; message: string; loseWrites?: boolean }
  | { fault: 'respond'; status: number; body?: string; headers?: Record<string, string> }
  | { fault: 'lose' };

export interface RuntimeHooks {
  /**
   * Called synchronously at every boundary of every execution: each counted Spreadsheet call,
   * each UrlFetchApp fetch/fetchAll before sending and after the answers, each Properties, Cache
   * and Lock call. It may act as a person on `runtime.spreadsheet`, run another execution
   * (nested: it runs to its end while this one is blocked), or return a fault.
   */
  atBoundary?: (info: BoundaryInfo) => void | BoundaryFault;
  /**
   * Called synchronously after each HTTP response (for fetchAll once per request, in order),
   * before the script sees it. It may run a nested execution. Returning 'kill' kills the
   * calling execution right there.
   */
  afterFetch?: (
    request: FetchedRequest,
    response: FetchedResponse,
    execution: ExecutionView
  ) => void | 'kill';
}

export interface RuntimeState {
  readonly options: ResolvedOptions;
  readonly clock: VirtualClock;
  readonly spreadsheet: SpreadsheetModel;
  readonly properties: PropertyStores;
  readonly caches: CacheStores;
  readonly triggers: TriggerStore;
  readonly locks: LockTable;
  readonly ui: UiRecorder;
  readonly http: HttpClient;
  readonly hooks: RuntimeHooks;
  /** How many executions are running now (nested ones included). */
  depth(): number;
  /** Who runs each execution and which scopes each user granted. */
  readonly users: UserDirectory;
  /** The web app's URL: the front's when started, else a fake /exec URL. */
  webAppUrl(): string;
  /** The text of `<bundleDir>/<name>.html`, or undefined (HtmlService.*FromFile). */
  readHtmlFile(name: string): string | undefined;
}
