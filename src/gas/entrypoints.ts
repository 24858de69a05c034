// The global functions' bodies: read the Apps Script event, build the ports from the real
// services, call the plain-TypeScript flow, and turn its answer into what Apps Script
// expects (a menu, a toast, ContentService JSON). No sync logic lives here.
import {
  EditedRange,
  backgroundWork,
  health,
  importRows,
  installAllTriggers,
  syncEditedRows,
  syncEverything,
} from '../sync/flows';
import type { Ports } from '../sync/context';
import { hookState, type HookState } from '../sync/hook-state';
import { receiveWebhook } from '../sync/webhook';
import { learnWebAppUrl, saveWebAppUrl, WEB_APP_URL_HINT } from '../sync/webhook-url';
import { dialogHtml } from '../ui/dialog-html';
import * as settingsUi from '../ui/settings';
import { UrlFetchHttp } from './http';
import { appsScriptClock, appsScriptLogger } from './runtime';
import { GasSpreadsheet } from './spreadsheet';
import { ScriptCache, ScriptLock, ScriptPropertiesStore } from './stores';
import { GasTriggers } from './triggers';

declare const SCRIPT_VERSION: string;

function ports(): Ports {
  return {
    spreadsheet: new GasSpreadsheet(),
    props: new ScriptPropertiesStore(),
    cache: new ScriptCache(),
    lock: new ScriptLock(),
    clock: appsScriptClock,
    logger: appsScriptLogger,
    http: new UrlFetchHttp(),
    triggers: new GasTriggers(),
    uuid: () => Utilities.getUuid(),
  };
}

export function onOpen(): void {
  SpreadsheetApp.getUi()
    .createMenu('AmoCRM')
    .addItem('Sync now', 'syncNow')
    .addItem('Import existing rows', 'importExistingRows')
    .addSeparator()
    .addItem('Settings…', 'showSettings')
    .addItem('Install triggers', 'installTriggers')
    .addItem('Show webhook URL', 'showWebhookUrl')
    .addItem('Open sync log', 'openSyncLog')
    .addToUi();
}

export function handleEdit(e: GoogleAppsScript.Events.SheetsOnEdit): void {
  const range = e.range;
  const edit: EditedRange = {
    sheetName: range.getSheet().getName(),
    top: range.getRow(),
    bottom: range.getRow() + range.getNumRows() - 1,
    left: range.getColumn(),
    right: range.getColumn() + range.getNumColumns() - 1,
  };
  syncEditedRows(ports(), edit);
}

export function doPost(e: GoogleAppsScript.Events.DoPost): GoogleAppsScript.Content.TextOutput {
  let answer: unknown;
  try {
    const secret = e?.parameter?.secret ?? null;
    answer = receiveWebhook(ports(), { secret, body: e?.postData?.contents ?? '' });
  } catch (err) {
    appsScriptLogger.error(`doPost: ${err instanceof Error ? err.message : String(err)}`);
    answer = {
      ok: false,
      error: 'the webhook could not be processed; it will be reconciled later',
    };
  }
  return json(answer);
}

export function doGet(): GoogleAppsScript.Content.TextOutput {
  const p = ports();
  // Here getUrl() is the deployment's /exec URL: opening it once teaches the script its URL.
  learnWebAppUrl(p.props, p.triggers);
  return json(health(p, SCRIPT_VERSION));
}

export function syncNow(): string {
  return syncEverything(ports()).message;
}

export function importExistingRows(): string {
  return importRows(ports()).message;
}

export function runBackgroundWork(): string {
  return backgroundWork(ports()).message;
}

export function installTriggers(): string {
  const summary = installAllTriggers(ports());
  const message =
    summary.note ??
    `Triggers ready (created ${summary.created.length}, removed ${summary.removed}); ${summary.prepared}`;
  toastIfOpen(message);
  return message;
}

export function showSettings(): void {
  const html = HtmlService.createHtmlOutput(dialogHtml()).setWidth(520).setHeight(640);
  SpreadsheetApp.getUi().showModalDialog(html, 'AmoCRM settings');
}

export function showWebhookUrl(): void {
  const url = settingsUi.loadSettings(ports()).webhookUrl;
  SpreadsheetApp.getUi().alert(
    'AmoCRM webhook URL',
    url ?? WEB_APP_URL_HINT,
    SpreadsheetApp.getUi().ButtonSet.OK
  );
}

export function openSyncLog(): void {
  const sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName('AmoCRM log');
  if (sheet) sheet.activate();
  else toastIfOpen('Nothing has been logged yet.');
}

/** The webhook's state as last seen, for the settings dialog (no request to AmoCRM). */
export function webhookState(): HookState {
  return hookState(new ScriptPropertiesStore());
}

/** The dialog's "paste the web app URL": kept when it is an /exec URL, else why not. */
export function settingsSaveWebAppUrl(url: string): { ok: boolean; error?: string } {
  const error = saveWebAppUrl(new ScriptPropertiesStore(), String(url ?? ''));
  return error ? { ok: false, error } : { ok: true };
}

export function settingsLoad(): settingsUi.SettingsView {
  return settingsUi.loadSettings(ports());
}

export function settingsSave(form: Record<string, string>): settingsUi.SaveAnswer {
  return settingsUi.saveSettings(ports(), form);
}

export function settingsTestConnection(form: Record<string, string>): settingsUi.ConnectionAnswer {
  return settingsUi.testConnection(ports(), form);
}

export function settingsLoadPipelines(form: Record<string, string>): settingsUi.PipelinesAnswer {
  return settingsUi.loadPipelines(ports(), form);
}

function json(value: unknown): GoogleAppsScript.Content.TextOutput {
  return ContentService.createTextOutput(JSON.stringify(value)).setMimeType(
    ContentService.MimeType.JSON
  );
}

function toastIfOpen(message: string): void {
  try {
    SpreadsheetApp.getActiveSpreadsheet().toast(message, 'AmoCRM', 8);
  } catch {
    // No open spreadsheet UI (a trigger run): the returned text is the record.
  }
}
