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

export interface RuntimeHooks {
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
  /** Who runs each execution and which scopes each user granted. */
  readonly users: UserDirectory;
  /** The web app's URL: the front's when started, else a fake /exec URL. */
  webAppUrl(): string;
  /** The text of `<bundleDir>/<name>.html`, or undefined (HtmlService.*FromFile). */
  readHtmlFile(name: string): string | undefined;
}
