// The record of every API request the fake received (admin traffic excluded): what came in,
// what was answered, on which clock. Tests read it to count calls per endpoint template, e.g.
// "PATCH /api/v4/leads/{id}: 3", without caring about ids in the path.

import type { RequestLogEntry } from '../types';

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = { seq: this.nextSeq, ...entry };
    this.nextSeq += 1;
    this.entries.push(full);
    return full;
  }

  list(): RequestLogEntry[] {
    return this.entries.slice();
  }

  /** Requests per `METHOD template`, e.g. `GET /api/v4/leads`. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.entries) {
      const key = `${entry.method} ${entry.template}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  reset(): void {
    this.entries = [];
  }
}
