// AmoError, the one error type the AmoCRM client throws, and the helpers that turn an AmoCRM
// problem+json answer into a sentence a person understands. Every message passes through
// `redact` with the secrets the caller knows (tokens, client secret, auth code), so an error
// shown in a cell or a log line can never leak one, whatever AmoCRM echoed back.

/**
 * What went wrong, coarsely: decides how the caller reacts. `platform`: Apps Script itself
 * refused to send (a permission not granted, a daily quota spent): nothing reached AmoCRM.
 */
export type AmoErrorKind =
  'http' | 'network' | 'auth' | 'blocked' | 'deadline' | 'config' | 'platform';

/**
 * UrlFetchApp refused before sending: a permission the person did not grant, or a daily quota
 * that is spent. Not a network error: retrying in the same run cannot help, and the message
 * must not say that AmoCRM could not be reached.
 */
export class PlatformError extends Error {
  constructor(
    message: string,
    readonly reason: 'permission' | 'quota'
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

/**
 * Apps Script's own refusals, by their wording: "You do not have permission to call
 * UrlFetchApp.fetch. Required permissions: …", "Authorization is required to perform that
 * action.", and "Service invoked too many times for one day: urlfetch." (guides/services/
 * quotas: exceeding a quota throws). Anything else thrown by UrlFetchApp is a network error.
 */
export function platformErrorOf(message: string): PlatformError | null {
  if (/Service invoked too many times for one day|Bandwidth quota exceeded/i.test(message)) {
    return new PlatformError(
      `Apps Script's daily limit of requests to other services (UrlFetch) is used up; the sync resumes when it resets, 24 hours after the first request (${message})`,
      'quota'
    );
  }
  if (/You do not have permission to call|Authorization is required/i.test(message)) {
    const scope = /Required permissions?:\s*(\S+)/i.exec(message)?.[1];
    return new PlatformError(
      `Permission missing: the script may not connect to AmoCRM because the permission "Connect to an external service"${scope ? ` (${scope})` : ''} was not granted. Run AmoCRM → Sync now and allow every permission it asks for.`,
      'permission'
    );
  }
  return null;
}

/** One failed check of AmoCRM's request validation (`validation-errors[].errors[]`). */
export interface AmoValidationError {
  /** The batch item it concerns (our `request_id`, or the item's index as a string). */
  requestId?: string;
  path?: string;
  code?: string;
  detail?: string;
}

export interface AmoErrorInit {
  kind: AmoErrorKind;
  message: string;
  status?: number;
  detail?: string;
  hint?: string;
  validationErrors?: AmoValidationError[];
  /** True when the request may have been applied (a create that got no clear answer). */
  outcomeUnknown?: boolean;
  /** True when trying again later may succeed. */
  retryable?: boolean;
  /** The call it concerns, e.g. `POST /api/v4/leads`. */
  operation?: string;
}

/** An AmoCRM call that failed; `message` is written for the person who owns the sheet. */
export class AmoError extends Error {
  readonly kind: AmoErrorKind;
  readonly status?: number;
  readonly detail?: string;
  readonly hint?: string;
  readonly validationErrors?: AmoValidationError[];
  readonly outcomeUnknown: boolean;
  readonly retryable: boolean;
  readonly operation?: string;

  constructor(init: AmoErrorInit) {
    super(init.message);
    this.name = 'AmoError';
    this.kind = init.kind;
    this.status = init.status;
    this.detail = init.detail;
    this.hint = init.hint;
    this.validationErrors = init.validationErrors;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.retryable = init.retryable ?? false;
    this.operation = init.operation;
  }
}

/** Failed-or-not answer of one call of a batch. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AmoError };

/**
 * Replaces every occurrence of a known secret with `[redacted]`, and drops the query string of
 * every URL: UrlFetchApp's transport errors quote the whole URL, and a query may carry a
 * secret nobody told us about (the webhook destination's `?secret=`, in a webhook listing) or
 * a person's email or phone (a contact search).
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = withoutUrlQueries(text);
  for (const secret of secrets) {
    // Very short strings would blank out ordinary words; real secrets are long.
    if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** `https://host/path?query` → `https://host/path` wherever a URL appears in `text`. */
export function withoutUrlQueries(text: string): string {
  return text.replace(/(\bhttps?:\/\/[^\s?#"'<>]*)[?#][^\s"'<>]*/gi, '$1');
}

/** The fields of an AmoCRM problem+json body (any of them may be missing). */
export interface ProblemBody {
  title?: string;
  detail?: string;
  hint?: string;
  validationErrors: AmoValidationError[];
}

/** Reads a problem+json body, or a plain-text one such as `403 Forbidden`. */
export function readProblem(body: unknown, rawText: string): ProblemBody {
  if (!isObject(body)) {
    const text = rawText.trim().slice(0, 200);
    return { detail: text || undefined, validationErrors: [] };
  }
  return {
    title: stringOr(body.title),
    detail: stringOr(body.detail),
    hint: stringOr(body.hint),
    validationErrors: readValidationErrors(body['validation-errors']),
  };
}

function readValidationErrors(value: unknown): AmoValidationError[] {
  if (!Array.isArray(value)) return [];
  const out: AmoValidationError[] = [];
  for (const item of value) {
    if (!isObject(item) || !Array.isArray(item.errors)) continue;
    const requestId = item.request_id === undefined ? undefined : String(item.request_id);
    for (const e of item.errors) {
      if (!isObject(e)) continue;
      out.push({
        requestId,
        path: stringOr(e.path),
        code: stringOr(e.code),
        detail: stringOr(e.detail),
      });
    }
  }
  return out;
}

const MAX_LISTED_PROBLEMS = 5;

/**
 * One line for a problem body: the validation errors as `path: detail` (prefixed with the
 * batch item when several items failed), else AmoCRM's detail and hint.
 */
export function describeProblem(problem: ProblemBody): string {
  const errors = problem.validationErrors;
  if (errors.length > 0) {
    const items = new Set(errors.map(e => e.requestId));
    const parts = errors.slice(0, MAX_LISTED_PROBLEMS).map(e => {
      const what = [e.path, e.detail ?? e.code].filter(Boolean).join(': ');
      return items.size > 1 && e.requestId !== undefined ? `item ${e.requestId}: ${what}` : what;
    });
    const more = errors.length - MAX_LISTED_PROBLEMS;
    return parts.join('; ') + (more > 0 ? `; and ${more} more` : '');
  }
  const text = [problem.detail ?? problem.title, problem.hint].filter(Boolean).join(' — ');
  return text || 'no details given';
}

/** True for a plain object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** JSON.parse that reports failure instead of throwing. */
export function parseJson(
  text: string
): { ok: true; value: unknown } | { ok: false; error: Error } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: new Error('the answer is not JSON') };
  }
}
