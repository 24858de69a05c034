// The global functions' bodies: read the Apps Script event, build the ports from the real
// services, call the plain-TypeScript flow, and turn its answer into what Apps Script
// expects (a menu, a toast, an alert, ContentService JSON), in the person's language. No sync
// logic lives here.
import type { Lang } from '../i18n/lang';
import { messages } from '../i18n/messages';
import { missingSetup, STATE, uiLanguage } from '../sync/config';
import {
  EditedRange,
  backgroundWork,
  exportAllLeads,
  health,
  importRows,
  installAllTriggers,
  syncEditedRows,
  syncEverything,
} from '../sync/flows';
import type { Ports } from '../sync/context';
import { hookState, type HookState } from '../sync/hook-state';
import { LOG_SHEET } from '../sync/sync-log';
import { BACKGROUND_HANDLER, EDIT_HANDLER } from '../sync/triggers';
import { receiveWebhook } from '../sync/webhook';
import { learnWebAppUrl, saveWebAppUrl } from '../sync/webhook-url';
import { dialogHtml } from '../ui/dialog-html';
import { menuItems } from '../ui/menu';
import * as settingsUi from '../ui/settings';
import * as columnMapping from '../ui/column-mapping';
import { UrlFetchHttp } from './http';
import { appsScriptClock, appsScriptLogger } from './runtime';
import { GasSpreadsheet } from './spreadsheet';
import { ScriptCache, ScriptLock, ScriptPropertiesStore } from './stores';
import { sha256Hex } from './digest';
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
    formatDate: (epochMs, timeZone, pattern) =>
      Utilities.formatDate(new Date(epochMs), timeZone, pattern),
    sha256Hex,
  };
}

function langNow(): Lang {
  return uiLanguage(new GasSpreadsheet(), new ScriptPropertiesStore());
}

/**
 * The simple trigger: the menu as far as set-up has got, and a hint of the next step. It runs
 * without authorization, so it reads only Script Properties and the spreadsheet; whether the
 * triggers exist is known from the last installTriggers (listing them needs authorization).
 */
export function onOpen(): void {
  const spreadsheet = new GasSpreadsheet();
  const props = new ScriptPropertiesStore();
  const lang = uiLanguage(spreadsheet, props);
  const text = messages(lang);
  const missing = missingSetup(props.getAll());
  const triggers = triggersKnown(props);
  const ui = SpreadsheetApp.getUi();
  const menu = ui.createMenu(text.menu.title);
  for (const item of menuItems(lang, { configured: missing.length === 0, triggers })) {
    if (item === 'separator') menu.addSeparator();
    else menu.addItem(item.caption, item.fn);
  }
  menu.addToUi();
  if (missing.length > 0) {
    spreadsheet.toast(
      text.setup.openHint(missing.map(m => text.setup.missing[m])),
      text.titles.setup
    );
  } else if (!triggers) {
    spreadsheet.toast(text.setup.triggersMissing, text.titles.setup);
  }
}

function triggersKnown(props: ScriptPropertiesStore): boolean {
  try {
    const list = new GasTriggers().list();
    return (
      list.some(t => t.handler === EDIT_HANDLER) && list.some(t => t.handler === BACKGROUND_HANDLER)
    );
  } catch {
    return Boolean(props.get(STATE.triggersAt));
  }
}

export function handleEdit(e: GoogleAppsScript.Events.SheetsOnEdit): void {
  // First, before any service call: the edit is older than this moment.
  const firedAt = Date.now();
  const range = e.range;
  const edit: EditedRange = {
    firedAt,
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

export function exportLeads(): string {
  return exportAllLeads(ports()).message;
}

export function runBackgroundWork(): string {
  return backgroundWork(ports()).message;
}

export function installTriggers(): string {
  const answer = installAllTriggers(ports());
  const text = messages(langNow());
  // A refusal must be read before anything else happens: an alert, not a passing toast.
  if (answer.refused) alertIfOpen(text.titles.triggers, answer.message);
  else toastIfOpen(answer.message, text.titles.triggers);
  return answer.message;
}

export function showSettings(): void {
  const lang = langNow();
  const html = HtmlService.createHtmlOutput(dialogHtml(lang)).setWidth(520).setHeight(640);
  SpreadsheetApp.getUi().showModalDialog(html, messages(lang).titles.settings);
}

export function showWebhookUrl(): void {
  const text = messages(langNow());
  const url = settingsUi.loadSettings(ports()).webhookUrl;
  SpreadsheetApp.getUi().alert(
    text.titles.webhookUrl,
    url ?? text.setup.webhookUrlMissing,
    SpreadsheetApp.getUi().ButtonSet.OK
  );
}

export function openSyncLog(): void {
  const sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName(LOG_SHEET);
  if (sheet) sheet.activate();
  else toastIfOpen(messages(langNow()).setup.nothingLogged, messages(langNow()).menu.title);
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

export function settingsAddColumns(): settingsUi.ColumnsAnswer {
  return settingsUi.addColumns(ports());
}

export function settingsColumns(): columnMapping.ColumnsAnswer {
  return columnMapping.loadColumnMapping(ports());
}

export function settingsSaveColumns(chosen: Record<string, string>): columnMapping.ColumnsAnswer {
  return columnMapping.saveColumnMapping(ports(), chosen);
}

function json(value: unknown): GoogleAppsScript.Content.TextOutput {
  return ContentService.createTextOutput(JSON.stringify(value)).setMimeType(
    ContentService.MimeType.JSON
  );
}

function toastIfOpen(message: string, title: string): void {
  try {
    new GasSpreadsheet().toast(message, title);
  } catch {
    // No open spreadsheet UI (a trigger run): the returned text is the record.
  }
}

function alertIfOpen(title: string, message: string): void {
  try {
    const ui = SpreadsheetApp.getUi();
    ui.alert(title, message, ui.ButtonSet.OK);
  } catch {
    // No UI in this execution (a trigger or the editor's Run): the returned text is the record.
  }
}
