// Session, Logger and console. Log lines go to the execution's log (RunResult.logs) instead of
// Stackdriver. The effective user is whoever the execution runs as (users.ts: a trigger's
// creator, the deployer in the web app, else the person at the keyboard); the active user is
// the same, except in web apps and simple triggers where Apps Script reports an empty e-mail.

import { formatWithOptions } from 'node:util';
import { createHash } from 'node:crypto';
import type { Execution, LogEntry } from './execution';

export function createSession(exec: Execution): object {
  const { options, users } = exec.state;
  const anonymous = exec.isWebApp || exec.authMode === 'LIMITED';
  const user = users.userOf(exec);
  return exec.object('Session', {
    getScriptTimeZone: () => options.scriptTimeZone,
    getActiveUser: () => userObject(exec, anonymous ? '' : user),
    getEffectiveUser: () => userObject(exec, user),
    getTemporaryActiveUserKey: () =>
      createHash('sha256').update(`${options.scriptId}:${user}`).digest('base64url'),
    getActiveUserLocale: () => (anonymous ? '' : 'en'),
  });
}

export function userObject(exec: Execution, email: string): object {
  return exec.object('User', {
    getEmail: () => email,
    getUsername: () => email.split('@')[0] ?? '',
    getNickname: () => email.split('@')[0] ?? '',
    toString: () => email,
  });
}

export function createLogger(exec: Execution): object {
  const self: object = exec.object('Logger', {
    log: (data, ...values) => {
      exec.log('log', 'Logger', formatLogger(exec, data, values));
      return self;
    },
    getLog: () => exec.logs.map(entry => `${entry.message}\n`).join(''),
    clear: () => {
      exec.logs.length = 0;
    },
  });
  return self;
}

export function createConsole(exec: Execution): object {
  const timers = new Map<string, number>();
  const write =
    (level: LogEntry['level']) =>
    (...args: unknown[]) => {
      exec.log(level, 'console', formatConsole(exec, args));
    };
  return exec.object('console', {
    log: write('log'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    debug: write('debug'),
    time: label => {
      timers.set(String(label ?? 'default'), exec.state.clock.now());
    },
    timeEnd: label => {
      const key = String(label ?? 'default');
      const start = timers.get(key);
      if (start === undefined) return;
      timers.delete(key);
      exec.log('log', 'console', `${key}: ${exec.state.clock.now() - start}ms`);
    },
  });
}

/** Logger.log(format, ...values) substitutes %s (and friends); a lone value is printed. */
function formatLogger(exec: Execution, data: unknown, values: unknown[]): string {
  if (values.length > 0 && typeof data === 'string') {
    let i = 0;
    return data.replace(/%[sdif]/g, match => (i < values.length ? show(exec, values[i++]) : match));
  }
  return show(exec, data);
}

function formatConsole(exec: Execution, args: unknown[]): string {
  const shown = args.map(arg => (typeof arg === 'object' && arg !== null ? plain(exec, arg) : arg));
  return formatWithOptions({ depth: 6, breakLength: Infinity, colors: false }, ...shown);
}

function show(exec: Execution, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  return formatWithOptions({ depth: 6, breakLength: Infinity }, plain(exec, value));
}

/** Service objects print as their class name, as Apps Script prints them. */
function plain(exec: Execution, value: object): unknown {
  return exec.realm.toHost(value, info => info.className);
}
