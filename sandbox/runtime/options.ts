// Construction options of the LocalRuntime and their defaults. Every number that shapes virtual
// time or a platform limit lives here so a test can tighten it (a short fetch timeout, a lower
// execution limit) without touching service code.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface LocalRuntimeOptions {
  /** Directory whose `*.js` files form the script project; default `<cwd>/dist`. */
  bundleDir?: string;
  /** Virtual clock start; default: the real time when the runtime is created. */
  startTime?: number | Date;
  /** Virtual cost of one HTTP round trip (a whole fetchAll batch costs one); default 250. */
  httpLatencyMs?: number;
  /** Virtual cost of one counted Spreadsheet call; default 20. */
  sheetCallMs?: number;
  /**
   * Virtual cost of each cell a Spreadsheet call reads, writes or searches, in microseconds;
   * default 5 (100,000 cells ≈ 0.5 s, an assumption: see README).
   */
  sheetCellUs?: number;
  /** Execution time limit on the virtual clock; default 6 minutes. */
  maxExecutionMs?: number;
  /** Real time a request may take before it fails with `Timeout`; default 10 s. */
  fetchTimeoutMs?: number;
  /** Virtual time charged for a request that timed out; default 60 s. */
  virtualTimeoutMs?: number;
  /** Real-time watchdog for one execution (guards against endless loops); 0 = none; default 120 s. */
  cpuTimeoutMs?: number;
  /** Session.getScriptTimeZone(); default: `timeZone` of the bundle's appsscript.json, else UTC. */
  scriptTimeZone?: string;
  /** Spreadsheet time zone (typed dates, display values); default: the script time zone. */
  spreadsheetTimeZone?: string;
  /** Spreadsheet locale (getSpreadsheetLocale), e.g. `ru_RU`; default `en_US`. */
  spreadsheetLocale?: string;
  spreadsheetName?: string;
  spreadsheetId?: string;
  scriptId?: string;
  /** The owner: the effective user of every execution and the active user outside web apps. */
  userEmail?: string;
  /** Names of the sheets the spreadsheet starts with; default `['Sheet1']`. */
  sheets?: string[];
  /** Also print every script log line to the host console. */
  echoLogs?: boolean;
  /**
   * What `ScriptApp.getService().getUrl()` returns outside a web-app execution (menu, trigger,
   * dialog). Google's Service reference: "If you are running the development mode web app,
   * this returns the development mode url"; reports say that outside a live doGet/doPost it
   * returns the `/dev` URL or an outdated one. `'dev'` (default), `'stale'` (an older
   * deployment's /exec, which the front answers 404) or `'exec'` (the old, lenient model).
   * Inside doGet/doPost it is always the deployment's `/exec` URL.
   */
  webAppUrlOutside?: 'dev' | 'exec' | 'stale';
  /**
   * The front answers /exec with 302 to a `script.googleusercontent.com`-like echo URL on the
   * same server, which serves the content, as Google does (the script has already run when the
   * 302 goes out). Default true; false answers the content directly with 200.
   */
  webAppRedirect?: boolean;
  /** Consent and quotas per user (see users.ts); the owner is `userEmail`. */
  users?: {
    /** Scopes a user left unticked at consent, by e-mail. */
    withheldScopes?: Record<string, string[]>;
    /** UrlFetch calls per user per day; 0 = unlimited (default). */
    urlFetchDailyQuota?: number;
  };
}

export type ResolvedOptions = Required<Omit<LocalRuntimeOptions, 'startTime'>> & {
  startTime: number;
};

export function resolveOptions(options: LocalRuntimeOptions = {}): ResolvedOptions {
  const bundleDir = resolve(options.bundleDir ?? join(process.cwd(), 'dist'));
  const scriptTimeZone = options.scriptTimeZone ?? manifestTimeZone(bundleDir) ?? 'UTC';
  const start = options.startTime ?? Date.now();
  return {
    bundleDir,
    startTime: typeof start === 'number' ? start : start.getTime(),
    httpLatencyMs: options.httpLatencyMs ?? 250,
    sheetCallMs: options.sheetCallMs ?? 20,
    sheetCellUs: options.sheetCellUs ?? 5,
    maxExecutionMs: options.maxExecutionMs ?? 6 * 60 * 1000,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 10_000,
    virtualTimeoutMs: options.virtualTimeoutMs ?? 60_000,
    cpuTimeoutMs: options.cpuTimeoutMs ?? 120_000,
    scriptTimeZone,
    spreadsheetTimeZone: options.spreadsheetTimeZone ?? scriptTimeZone,
    spreadsheetLocale: options.spreadsheetLocale ?? 'en_US',
    spreadsheetName: options.spreadsheetName ?? 'Local Spreadsheet',
    spreadsheetId: options.spreadsheetId ?? 'LOCAL_SPREADSHEET_ID',
    scriptId: options.scriptId ?? 'LOCAL_SCRIPT_ID',
    userEmail: options.userEmail ?? 'owner@example.com',
    sheets: options.sheets ?? ['Sheet1'],
    echoLogs: options.echoLogs ?? false,
    webAppUrlOutside: options.webAppUrlOutside ?? 'dev',
    webAppRedirect: options.webAppRedirect ?? true,
    users: options.users ?? {},
  };
}

/** The manifest's time zone, as Apps Script takes the script time zone from it. */
function manifestTimeZone(bundleDir: string): string | undefined {
  const path = join(bundleDir, 'appsscript.json');
  if (!existsSync(path)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { timeZone?: unknown };
    return typeof manifest.timeZone === 'string' ? manifest.timeZone : undefined;
  } catch {
    return undefined;
  }
}
