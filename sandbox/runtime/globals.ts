// The global scope of an execution: the Apps Script services this runtime emulates, plus the
// other built-in services as objects whose every member throws "not implemented" — so a call
// to, say, GmailApp fails with a clear message instead of a ReferenceError.

import { createCacheService } from './cache-service';
import { createContentService } from './content-service';
import type { Execution } from './execution';
import { createHtmlService } from './html-service';
import { createLockService } from './lock-service';
import { createPropertiesService } from './properties-service';
import { createScriptApp } from './script-app-service';
import { createConsole, createLogger, createSession } from './session-logger';
import { createSpreadsheetApp } from './spreadsheet-service';
import { createUrlFetchApp } from './url-fetch-service';
import { createUtilities } from './utilities-service';

const SERVICES: Record<string, (exec: Execution) => object> = {
  SpreadsheetApp: createSpreadsheetApp,
  UrlFetchApp: createUrlFetchApp,
  PropertiesService: createPropertiesService,
  CacheService: createCacheService,
  LockService: createLockService,
  ScriptApp: createScriptApp,
  ContentService: createContentService,
  HtmlService: createHtmlService,
  Utilities: createUtilities,
  Session: createSession,
  Logger: createLogger,
  console: createConsole,
};

const NOT_EMULATED = [
  'Browser',
  'CalendarApp',
  'CardService',
  'Charts',
  'ConferenceDataService',
  'ContactsApp',
  'DataStudioApp',
  'DocumentApp',
  'DriveApp',
  'FormApp',
  'GmailApp',
  'GroupsApp',
  'Jdbc',
  'LanguageApp',
  'MailApp',
  'Maps',
  'SitesApp',
  'SlidesApp',
  'XmlService',
];

export const APPS_SCRIPT_GLOBALS = [...Object.keys(SERVICES), ...NOT_EMULATED];

export function installGlobals(exec: Execution): void {
  for (const [name, create] of Object.entries(SERVICES))
    exec.realm.defineGlobal(name, create(exec));
  for (const name of NOT_EMULATED) exec.realm.defineGlobal(name, exec.object(name, {}));
}
