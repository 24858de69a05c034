// Public entry of the local Apps Script runtime: the LocalRuntime class, the event-spec helpers
// and the types a test or the e2e harness needs. See README.md in this folder.

export { LocalRuntime, type RunResult, type WebExecutionRecord } from './local-runtime';
export type { LocalRuntimeOptions } from './options';
export {
  formPostEventFromFile,
  webEvent,
  FORM_CONTENT_TYPE,
  type EventSpec,
  type EditEventSpec,
  type GetEventSpec,
  type PostEventSpec,
  type TimeEventSpec,
  type OpenEventSpec,
  type ChangeEventSpec,
  type MenuEventSpec,
  type ClientCallSpec,
} from './events';
export type { Counters, ExecutionKind, ExecutionView, LogEntry } from './execution';
export type {
  BoundaryFault,
  BoundaryInfo,
  BoundaryService,
  FetchedRequest,
  FetchedResponse,
  RuntimeHooks,
} from './state';
export { KILL_BOUNDARY_REASON } from './execution';
export type {
  CellSnapshot,
  RefusedEdit,
  SpreadsheetControl,
  WriteOptions,
} from './spreadsheet-control';
export type { ValidationRule } from './data-validation';
export type { CellValue } from './sheet-model';
export type { TriggerRecord, TriggerStore } from './script-app-service';
export type { PropertyStore, PropertyStores } from './properties-service';
export type { CacheStore, CacheStores } from './cache-service';
export type { LockTable } from './lock-service';
export type { UserDirectory } from './users';
export type { UiRecorder, MenuRecord, DialogRecord, AlertRecord, ToastRecord } from './ui-service';
export type { WebApp } from './web-app-front';
export type { VirtualClock } from './clock';
export { KILL_HEADER_REASON, KILL_HOOK_REASON } from './url-fetch-service';
export { APPS_SCRIPT_GLOBALS } from './globals';
