// Helpers that fit big jobs into AmoCRM's limits: split inputs into batches of at most 250
// (50 for complex adds), split id lists so a GET's URL stays within UrlFetchApp's 2 KB, and
// follow list pagination page by page while AmoCRM announces a next page. Several paged
// queries advance together, one page each per runAll batch.

import type { AmoCall, ContactsQuery, LeadsQuery } from './calls';
import { AMO_LIMITS, listContacts, listLeads } from './calls';
import type { AmoRunner } from './client';
import type { Result } from './errors';
import type { Contact, Lead, Page } from './types';

/**
 * Room for the query string of a GET: UrlFetchApp takes URLs of up to 2 KB, and the base URL,
 * path and paging parameters need the rest.
 */
export const MAX_QUERY_CHARS = 1700;

/** Builds the call for one page (1-based) of a list. */
export type PageCall<T> = (page: number) => AmoCall<Page<T>>;

/** Splits `items` into runs of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError(`chunk size must be at least 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One call per run of at most `size` items, e.g. `batchCalls(leads, 250, createLeads)`. */
export function batchCalls<I, T>(
  items: readonly I[],
  size: number,
  build: (batch: I[]) => AmoCall<T>
): AmoCall<T>[] {
  return chunk(items, size).map(build);
}

/**
 * Splits ids for a `filter[id][]` query: at most `AMO_LIMITS.pageSize` per run, and few
 * enough that the encoded query stays within MAX_QUERY_CHARS.
 */
export function idChunks(ids: readonly number[], maxQueryChars = MAX_QUERY_CHARS): number[][] {
  const perId = encodeURIComponent('filter[id][]').length + 2; // '=' and '&'
  const out: number[][] = [];
  let current: number[] = [];
  let length = 0;
  for (const id of ids) {
    const cost = perId + String(id).length;
    if (current.length >= AMO_LIMITS.pageSize || length + cost > maxQueryChars) {
      out.push(current);
      current = [];
      length = 0;
    }
    current.push(id);
    length += cost;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Page makers for the leads with these ids (with=contacts etc. from `q`). */
export function leadsByIds(
  ids: readonly number[],
  q: Omit<LeadsQuery, 'ids' | 'page'> = {}
): PageCall<Lead>[] {
  return idChunks(unique(ids)).map(run => (page: number) => listLeads({ ...q, ids: run, page }));
}

/** Page makers for the contacts with these ids. */
export function contactsByIds(
  ids: readonly number[],
  q: Omit<ContactsQuery, 'ids' | 'page'> = {}
): PageCall<Contact>[] {
  return idChunks(unique(ids)).map(run => (page: number) => listContacts({ ...q, ids: run, page }));
}

/** Every item of a paged list; throws the first AmoError. */
export function fetchAllPages<T>(
  runner: AmoRunner,
  pageCall: PageCall<T>,
  opts: { maxPages?: number } = {}
): T[] {
  const [result] = fetchPages(runner, [pageCall], opts);
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Runs several paged queries side by side: each round sends the next page of every query
 * that still has one, in one batch. One Result per query, in order.
 */
export function fetchPages<T>(
  runner: AmoRunner,
  pageCalls: readonly PageCall<T>[],
  opts: { maxPages?: number } = {}
): Result<T[]>[] {
  const maxPages = opts.maxPages ?? Number.POSITIVE_INFINITY;
  const streams = pageCalls.map(make => ({ make, page: 1, items: [] as T[], open: true }));
  const results: Result<T[]>[] = new Array(streams.length);
  for (let round = 0; streams.some(s => s.open) && round < maxPages; round++) {
    const active = streams.filter(s => s.open);
    const answers = runner.runAll(active.map(s => s.make(s.page)));
    answers.forEach((answer, i) => {
      const s = active[i];
      if (!answer.ok) {
        s.open = false;
        results[streams.indexOf(s)] = answer;
        return;
      }
      s.items.push(...answer.value.items);
      s.open = answer.value.hasNext;
      // The next page of the caller's numbering, not AmoCRM's `_page`: a page maker may map
      // its argument to other pages (an offset), and AmoCRM's number is in that other scheme.
      s.page += 1;
    });
  }
  streams.forEach((s, i) => (results[i] ??= { ok: true, value: s.items }));
  return results;
}

function unique(ids: readonly number[]): number[] {
  return Array.from(new Set(ids));
}
