// A working day of one team against Apps Script's daily quotas, added up from the executions
// measured on the 20,000-row sheet (bench/big-sheet.ts): each path's counted requests,
// Properties calls and trigger time multiplied by how often the day has it. Limits from
// Google's quota page (developers.google.com/apps-script/guides/services/quotas): UrlFetch
// calls 20,000 / 100,000 a day, trigger total runtime 90 min / 6 h, Properties read/write
// 50,000 / 500,000, Properties total storage 500 KB, one Cache value 100 KB (consumer /
// Workspace account). Quotas are per user: every trigger run is the installer's.
import type { BigSheetReport, PathCost } from './big-sheet';

export interface DayItem {
  what: string;
  count: number;
  path: string;
  /** Runs of a trigger (their time counts against the trigger runtime quota). */
  trigger: boolean;
}

/**
 * doPost only queues; the next minute's run applies every webhook queued in that minute. The
 * worst case is counted: every webhook in a minute of its own, one applying run each.
 */
const WEBHOOKS = 1000;
const APPLYING_RUNS = WEBHOOKS;

/** Issue 13's example day. */
export const DAY: DayItem[] = [
  { what: 'edits of one row', count: 300, path: 'a person types 1 row', trigger: true },
  { what: 'pastes of 50 rows', count: 20, path: 'a person pastes 50 rows', trigger: true },
  { what: 'webhooks (doPost)', count: WEBHOOKS, path: 'webhook of 1 lead: doPost', trigger: false },
  {
    what: 'runs applying them (worst case: one per webhook)',
    count: APPLYING_RUNS,
    path: 'webhook of 1 lead: the next minute applies it',
    trigger: true,
  },
  {
    what: 'background runs (every 10 minutes)',
    count: 144 - 24,
    path: 'background run, nothing changed',
    trigger: true,
  },
  {
    what: 'of them with the hourly full scan',
    count: 24,
    path: 'background run with the hourly full scan',
    trigger: true,
  },
  {
    what: 'minutes with nothing to do',
    count: 1440 - 144 - APPLYING_RUNS,
    path: 'background minute, nothing to do',
    trigger: true,
  },
  { what: 'Sync now', count: 3, path: 'Sync now, nothing changed', trigger: false },
];

export interface Limit {
  what: string;
  used: number;
  consumer: number;
  workspace: number;
  unit: string;
}

export function dayOfQuota(report: BigSheetReport): Limit[] {
  const cost = (name: string): PathCost => {
    const found = report.paths.find(p => p.what === name);
    if (!found) throw new Error(`no measure of "${name}"`);
    return found;
  };
  let fetches = 0;
  let triggerMs = 0;
  let properties = 0;
  for (const item of DAY) {
    const c = cost(item.path);
    fetches += item.count * c.requests;
    properties += item.count * c.propertiesCalls;
    if (item.trigger) triggerMs += item.count * c.virtualMs;
  }
  return [
    { what: 'UrlFetch calls', used: fetches, consumer: 20000, workspace: 100000, unit: '' },
    {
      what: 'trigger total runtime',
      used: triggerMs / 60000,
      consumer: 90,
      workspace: 360,
      unit: 'min',
    },
    {
      what: 'Properties reads and writes',
      used: properties,
      consumer: 50000,
      workspace: 500000,
      unit: '',
    },
    {
      what: 'Script Properties size (peak)',
      used: report.propertiesBytes / 1024,
      consumer: 500,
      workspace: 500,
      unit: 'KB',
    },
    {
      what: 'one Cache value (peak)',
      used: report.cacheValueBytes / 1024,
      consumer: 100,
      workspace: 100,
      unit: 'KB',
    },
  ];
}

/** At least half of every consumer limit left. */
export function halfHeadroom(limits: Limit[]): boolean {
  return limits.every(l => l.used <= l.consumer / 2);
}
