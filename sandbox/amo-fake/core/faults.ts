// Fault injection rules: which request gets a canned status, a hang, a dropped socket or the
// "processed, but the caller died" kill header. Pure bookkeeping; the HTTP server carries the
// chosen action out. Rules are tried in the order they were added and the first one that
// fires wins; every rule whose match fits counts the request, so `nth` means "the nth request
// this rule matched".

import type { ActiveFault, FaultAction, FaultMatch, FaultRule } from '../types';

export interface FaultRequest {
  method: string;
  path: string;
  template: string;
}

export class FaultBook {
  private rules: ActiveFault[] = [];
  private nextId = 1;

  add(rule: FaultRule): ActiveFault {
    const active: ActiveFault = {
      ...rule,
      times: rule.times ?? 1,
      id: this.nextId,
      matched: 0,
      fired: 0,
    };
    this.nextId += 1;
    this.rules.push(active);
    return active;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    return this.rules.map(rule => ({ ...rule }));
  }

  /** The action for this request, if a rule fires; spent rules are dropped. */
  take(request: FaultRequest): { rule: ActiveFault; action: FaultAction } | null {
    let chosen: ActiveFault | null = null;
    for (const rule of this.rules) {
      if (!matches(rule.match, request)) continue;
      rule.matched += 1;
      if (chosen === null && rule.matched >= (rule.match.nth ?? 1)) chosen = rule;
    }
    if (chosen === null) return null;
    chosen.fired += 1;
    if (chosen.times !== 'forever' && chosen.fired >= (chosen.times ?? 1)) {
      this.rules = this.rules.filter(rule => rule !== chosen);
    }
    return { rule: chosen, action: chosen.action };
  }
}

function matches(match: FaultMatch, request: FaultRequest): boolean {
  if (match.method && match.method.toUpperCase() !== request.method) return false;
  if (match.path === undefined) return true;
  if (match.path.startsWith('^')) return new RegExp(match.path).test(request.path);
  return match.path === request.path || match.path === request.template;
}

/** A short label of an action for the request log. */
export function describeAction(action: FaultAction): string {
  if (typeof action === 'string') return action;
  if ('delayMs' in action) return `delay ${action.delayMs}ms`;
  return `status ${action.status}`;
}
