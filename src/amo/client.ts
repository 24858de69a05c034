// AmoClient sends AmoCalls (calls.ts) to AmoCRM through the HttpPort, one call or a whole
// batch per UrlFetchApp.fetchAll, and turns every answer into a value or an AmoError. It owns
// the rules that keep one execution well-behaved: at most 7 requests in any second (pacer.ts),
// bounded retries of what is safe to repeat (retry-policy.ts), one token renewal on a 401, no
// more requests after a 403, and nothing past the execution's deadline.

import { NetworkError } from '../ports';
import type {
  CachePort,
  ClockPort,
  HttpPort,
  HttpRequest,
  HttpResponse,
  LoggerPort,
} from '../ports';
import type { TokenSource } from './auth';
import type { AmoCall, CallValue } from './calls';
import {
  AmoError,
  describeProblem,
  isObject,
  parseJson,
  PlatformError,
  readProblem,
  redact,
} from './errors';
import type { AmoErrorInit, Result } from './errors';
import { pacerFor } from './pacer';
import type { RequestPacer } from './pacer';
import { encodeQuery } from './query-string';
import { DEFAULT_RETRY_POLICY, backoffMs, requestedDelayMs } from './retry-policy';
import type { RetryPolicy } from './retry-policy';
import { normalizeBaseUrl } from './base-url';

/** How long one execution may talk to AmoCRM by default: Apps Script stops runs at 6 min. */
export const DEFAULT_RUN_BUDGET_MS = 5.5 * 60 * 1000;

/** Utilities.sleep takes at most 5 minutes. */
const MAX_SLEEP_MS = 300_000;

export interface AmoClientOptions {
  /** The account's URL, e.g. `https://example.amocrm.ru` (any http(s) URL; `/` tolerated). */
  baseUrl: string;
  http: HttpPort;
  clock: ClockPort;
  tokens: TokenSource;
  logger: LoggerPort;
  /** Epoch ms by which everything must end; default clock.now() + 5.5 min. */
  deadlineMs?: number;
  /** Overrides of the retry policy. */
  retry?: Partial<RetryPolicy>;
  /**
   * The send-time log to pace by; default: the one shared by everything that sends through
   * `http` (pacerFor), token requests included.
   */
  pacer?: RequestPacer;
  /**
   * The script cache: the default pacer then also counts the requests other executions sent
   * in the last second (AmoCRM's limit is per account, not per execution).
   */
  cache?: CachePort;
  /** Jitter source; Math.random by default. */
  random?: () => number;
}

/** Anything that runs AmoCalls: AmoClient, or a test double. */
export interface AmoRunner {
  run<T>(call: AmoCall<T>): T;
  runAll<C extends readonly AmoCall<unknown>[]>(calls: [...C]): ResultsOf<C>;
}

/** The results of a batch, position by position. */
export type ResultsOf<C extends readonly unknown[]> = {
  -readonly [K in keyof C]: Result<CallValue<C[K]>>;
};

/** A call on its way: how often it went out, and when it may go (again). */
interface Pending {
  index: number;
  call: AmoCall<unknown>;
  attempts: number;
  tokenRenewed: boolean;
  readyAt: number;
}

/** What became of one attempt: a final result, or another try at `retryAt`. */
type Outcome = { done: Result<unknown> } | { retryAt: number };

/** Talks to one AmoCRM account for the length of one execution. */
export class AmoClient implements AmoRunner {
  /** The base URL without a trailing slash. */
  readonly baseUrl: string;
  /** Epoch ms by which every call has ended. */
  readonly deadlineMs: number;
  private readonly http: HttpPort;
  private readonly clock: ClockPort;
  private readonly tokens: TokenSource;
  private readonly logger: LoggerPort;
  private readonly policy: RetryPolicy;
  private readonly pacer: RequestPacer;
  private readonly random: () => number;
  /** Tokens this client has handled, scrubbed from every message. */
  private readonly secrets = new Set<string>();
  /** Rejected token → what renewing it gave, so a batch of 401s renews once. */
  private readonly renewals = new Map<string, string | AmoError>();
  private blockedBy: AmoError | null = null;
  /**
   * The longest a batch took that ended in a transport failure (a timeout costs a minute):
   * what one more request may cost, so none starts that could run past the deadline.
   */
  private slowestFailureMs = 0;
  /** AmoCRM asked for a long pause: until then calls fail without a request. */
  private pausedBy: { until: number; error: AmoError } | null = null;

  constructor(options: AmoClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.http = options.http;
    this.clock = options.clock;
    this.tokens = options.tokens;
    this.logger = options.logger;
    this.deadlineMs = options.deadlineMs ?? options.clock.now() + DEFAULT_RUN_BUDGET_MS;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.pacer = options.pacer ?? pacerFor(options.http, options.cache);
    this.random = options.random ?? Math.random;
  }

  /** True after a 403: no more requests go out in this execution. */
  get blocked(): boolean {
    return this.blockedBy !== null;
  }

  /** Milliseconds left before the deadline. */
  timeLeftMs(): number {
    return this.deadlineMs - this.clock.now();
  }

  /** Sends one call; returns its value or throws an AmoError. */
  run<T>(call: AmoCall<T>): T {
    const [result] = this.execute([call]);
    if (!result.ok) throw result.error;
    return result.value as T;
  }

  /**
   * Sends calls together (in waves of at most 7 per second) and returns one Result per call,
   * in order. Never throws for a failed call.
   */
  runAll<C extends readonly AmoCall<unknown>[]>(calls: [...C]): ResultsOf<C> {
    return this.execute(calls) as ResultsOf<C>;
  }

  private execute(calls: readonly AmoCall<unknown>[]): Result<unknown>[] {
    const results: Result<unknown>[] = new Array(calls.length);
    let queue: Pending[] = calls.map((call, index) => ({
      index,
      call,
      attempts: 0,
      tokenRenewed: false,
      readyAt: 0,
    }));
    while (queue.length > 0) {
      const now = this.clock.now();
      const ready = queue.filter(p => p.readyAt <= now);
      if (ready.length === 0) {
        this.sleep(Math.min(...queue.map(p => p.readyAt)) - now);
        continue;
      }
      const wave = ready.slice(0, this.pacer.waveSize);
      const token = this.clearToSend(wave.length);
      if (token instanceof AmoError) {
        // Whatever stops this wave (block, pause, deadline, no token) stops the rest too.
        for (const p of queue) results[p.index] = { ok: false, error: token };
        break;
      }
      queue = queue.filter(p => !wave.includes(p));
      this.sendWave(wave, token).forEach((outcome, i) => {
        const p = wave[i];
        if ('done' in outcome) {
          results[p.index] = outcome.done;
        } else {
          p.readyAt = outcome.retryAt;
          queue.push(p);
        }
      });
    }
    return results;
  }

  /**
   * Checks that a wave of `count` requests may go out, gets the token and sleeps as long as
   * the pacer asks. Returns the token, or the error that stops all sending.
   */
  private clearToSend(count: number): string | AmoError {
    const stop = this.blockedBy ?? this.pauseInForce() ?? this.deadlinePassed();
    if (stop) return stop;
    let token: string;
    try {
      token = this.tokens.accessToken();
      this.secrets.add(token);
    } catch (e) {
      return this.asAmoError(e);
    }
    const wait = this.pacer.delayFor(count, this.clock.now());
    if (this.clock.now() + wait >= this.deadlineMs) {
      return this.deadlineError('the run reached its time limit');
    }
    if (this.clock.now() + wait + this.slowestFailureMs >= this.deadlineMs) {
      return this.deadlineError(
        'it stopped answering, and waiting for it once more could run past the time limit'
      );
    }
    this.sleep(wait);
    return token;
  }

  /** Sends one wave (≤ 7 calls) as one fetchAll. */
  private sendWave(wave: Pending[], token: string): Outcome[] {
    let responses: HttpResponse[];
    const startedAt = this.clock.now();
    try {
      responses = this.http.fetchAll(wave.map(p => this.toRequest(p.call, token)));
      if (responses.length !== wave.length) throw new NetworkError('answers missing from a batch');
    } catch (e) {
      this.slowestFailureMs = Math.max(this.slowestFailureMs, this.clock.now() - startedAt);
      // One backoff for the whole wave: its calls go out again together, so an AmoCRM that
      // hangs costs one timeout per attempt, not one per call.
      const attempt = Math.max(...wave.map(p => p.attempts)) + 1;
      const delay = backoffMs(this.policy, attempt, this.random);
      return wave.map(p => this.onTransportError(p, e, delay));
    } finally {
      // Logged when the batch has ended, not when it started: every request of it has then
      // reached AmoCRM, so the next window starts no earlier than AmoCRM's own count.
      this.pacer.record(wave.length, this.clock.now());
    }
    return wave.map((p, i) => this.onResponse(p, responses[i], token));
  }

  private toRequest(call: AmoCall<unknown>, token: string): HttpRequest {
    const query = call.query ? encodeQuery(call.query) : '';
    const request: HttpRequest = {
      url: this.baseUrl + call.path + (query ? `?${query}` : ''),
      method: call.method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      contentType: 'application/json',
    };
    if (call.body !== undefined) request.payload = JSON.stringify(call.body);
    return request;
  }

  // ---- Answers -----------------------------------------------------------------------------

  private onResponse(p: Pending, response: HttpResponse, token: string): Outcome {
    p.attempts++;
    const { status } = response;
    if ((status >= 200 && status < 300) || p.call.acceptStatuses?.includes(status)) {
      return this.readValue(p, response);
    }
    if (status === 401) return this.onUnauthorized(p, token);
    const body = parseJson(response.body);
    const problem = readProblem(body.ok ? body.value : undefined, response.body);
    const text = this.scrub(describeProblem(problem));
    const facts = {
      status,
      detail: problem.detail && this.scrub(problem.detail),
      hint: problem.hint && this.scrub(problem.hint),
      validationErrors:
        problem.validationErrors.length > 0
          ? problem.validationErrors.map(v => ({ ...v, detail: v.detail && this.scrub(v.detail) }))
          : undefined,
      operation: operationOf(p.call),
    };
    if (status === 403 && isRightsRefusal(body.ok ? body.value : undefined)) {
      return fail(this.refusedRights(text, facts));
    }
    if (status === 403) return fail(this.block(text, facts));
    if (this.policy.statusCodes.includes(status)) {
      const asked = requestedDelayMs(
        body.ok ? body.value : undefined,
        response.headers,
        this.clock.now()
      );
      return this.onRetryableStatus(p, text, facts, asked);
    }
    return fail(
      new AmoError({
        ...facts,
        kind: 'http',
        message: rejectionMessage(status, text),
        outcomeUnknown: !p.call.idempotent && status >= 500,
        retryable: status >= 500,
      })
    );
  }

  private readValue(p: Pending, response: HttpResponse): Outcome {
    const empty = response.status === 204 || response.body.trim() === '';
    const body = empty ? { ok: true as const, value: null } : parseJson(response.body);
    try {
      if (!body.ok) throw body.error;
      const value = p.call.parse({
        status: response.status,
        headers: response.headers,
        body: body.value,
      });
      return { done: { ok: true, value } };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      return fail(
        new AmoError({
          kind: 'http',
          status: response.status,
          operation: operationOf(p.call),
          message: this.scrub(
            `AmoCRM answered ${response.status} with something this script cannot read (${reason})`
          ),
          // It was processed: a create did happen, but we cannot tell what it made.
          outcomeUnknown: !p.call.idempotent,
          retryable: p.call.idempotent,
        })
      );
    }
  }

  /** 401: renew the token once (per rejected token, per call) and try again. */
  private onUnauthorized(p: Pending, token: string): Outcome {
    if (p.tokenRenewed) {
      return fail(
        new AmoError({
          kind: 'auth',
          status: 401,
          operation: operationOf(p.call),
          message:
            'AmoCRM refused the access token (401) even after it was renewed: check that the ' +
            'integration is installed and active in the account AMO_BASE_URL points to',
        })
      );
    }
    p.tokenRenewed = true;
    const renewal = this.renew(token);
    return renewal instanceof AmoError ? fail(renewal) : { retryAt: this.clock.now() };
  }

  private renew(rejected: string): string | AmoError {
    const known = this.renewals.get(rejected);
    if (known !== undefined) return known;
    let outcome: string | AmoError;
    try {
      outcome = this.tokens.refresh(rejected);
      this.secrets.add(outcome);
      this.logger.info('AmoCRM refused the access token; renewed it and trying again');
    } catch (e) {
      outcome = this.asAmoError(e);
    }
    this.renewals.set(rejected, outcome);
    return outcome;
  }

  /**
   * 403 with AmoCRM's problem+json body: this user may not do this (admin-only methods such as
   * creating custom fields or managing webhooks; Kommo "Invalid scope"). Only this call fails;
   * the rest of the run goes on. Retryable: an administrator may grant the right, or what
   * looked like a refusal was a block that lifts.
   */
  private refusedRights(text: string, facts: Partial<AmoErrorInit>): AmoError {
    const error = new AmoError({
      ...facts,
      kind: 'http',
      status: 403,
      retryable: true,
      message: `AmoCRM refused (403): the AmoCRM user of the token lacks the rights for ${facts.operation ?? 'this'}, which may need an account administrator (${text})`,
    });
    this.logger.warn(error.message);
    return error;
  }

  /** 403 otherwise: AmoCRM blocks an address after repeated 429s; stop sending for this run. */
  private block(text: string, facts: Partial<AmoErrorInit>): AmoError {
    this.blockedBy = new AmoError({
      ...facts,
      kind: 'blocked',
      status: 403,
      message:
        `AmoCRM refused access (403): ${text}. AmoCRM blocks an address after too many ` +
        'requests, or the user of the token lacks the rights; no more requests are sent in this run',
    });
    this.logger.error(this.blockedBy.message);
    return this.blockedBy;
  }

  private onRetryableStatus(
    p: Pending,
    text: string,
    facts: Partial<AmoErrorInit> & { status: number },
    askedMs: number | undefined
  ): Outcome {
    const { status } = facts;
    const unprocessed = this.policy.unprocessedStatusCodes.includes(status);
    if (!p.call.idempotent && !unprocessed) {
      return fail(
        new AmoError({
          ...facts,
          kind: 'http',
          message: `AmoCRM failed while handling the request (${status}): ${text}; it may or may not have been applied`,
          outcomeUnknown: true,
          retryable: true,
        })
      );
    }
    if (p.attempts >= this.policy.attempts) {
      const what = status === 429 ? 'answering "too many requests"' : 'failing';
      return fail(
        new AmoError({
          ...facts,
          kind: 'http',
          message: `AmoCRM kept ${what} (${status}) after ${p.attempts} attempts: ${text}`,
          retryable: true,
        })
      );
    }
    if (askedMs !== undefined && askedMs > this.policy.maxWaitMs) {
      return fail(this.pause(askedMs, text, facts));
    }
    const delay = Math.max(backoffMs(this.policy, p.attempts, this.random), askedMs ?? 0);
    const retryAt = this.clock.now() + delay;
    if (retryAt >= this.deadlineMs) {
      return fail(
        this.deadlineError(
          `it answered ${status} and a retry would run past the time limit`,
          status
        )
      );
    }
    // A 429 is about this whole execution, not one call: hold every request back.
    if (status === 429) this.pacer.holdUntil(retryAt);
    this.logger.warn(
      `AmoCRM ${operationOf(p.call)} answered ${status}; attempt ${p.attempts + 1} of ` +
        `${this.policy.attempts} in ${(delay / 1000).toFixed(1)} s`
    );
    return { retryAt };
  }

  /** AmoCRM asked to wait longer than is worth sleeping: stop sending until then. */
  private pause(askedMs: number, text: string, facts: Partial<AmoErrorInit>): AmoError {
    const seconds = Math.ceil(askedMs / 1000);
    const error = new AmoError({
      ...facts,
      kind: 'http',
      message: `AmoCRM asked to wait ${seconds} s before more requests (${facts.status}): ${text}; the work is retried on a later run`,
      retryable: true,
    });
    this.pausedBy = { until: this.clock.now() + askedMs, error };
    this.logger.warn(error.message);
    return error;
  }

  /** fetchAll threw: no request of the wave has a known outcome. */
  private onTransportError(p: Pending, e: unknown, delay: number): Outcome {
    p.attempts++;
    const reason = this.scrub(e instanceof Error ? e.message : String(e));
    const operation = operationOf(p.call);
    if (e instanceof PlatformError || (e instanceof Error && e.name === 'PlatformError')) {
      // Apps Script refused before sending: no retry in this run, nothing reached AmoCRM.
      const quota = (e as PlatformError).reason === 'quota';
      return fail(new AmoError({ kind: 'platform', operation, message: reason, retryable: quota }));
    }
    const isNetwork =
      e instanceof NetworkError || (e instanceof Error && e.name === 'NetworkError');
    if (!p.call.idempotent) {
      return fail(
        new AmoError({
          kind: 'network',
          operation,
          message: `Could not reach AmoCRM (${reason}); the request may or may not have been applied`,
          outcomeUnknown: true,
          retryable: isNetwork,
        })
      );
    }
    if (!isNetwork || p.attempts >= this.policy.attempts) {
      const tries = isNetwork ? ` after ${p.attempts} attempts` : '';
      return fail(
        new AmoError({
          kind: 'network',
          operation,
          message: `Could not reach AmoCRM${tries} (${reason})`,
          retryable: isNetwork,
        })
      );
    }
    const retryAt = this.clock.now() + delay;
    // The try may take as long as this one did (a timeout): it must end before the deadline.
    if (retryAt + this.slowestFailureMs >= this.deadlineMs) {
      return fail(this.deadlineError(`it could not be reached (${reason})`));
    }
    this.logger.warn(`Could not reach AmoCRM for ${operation} (${reason}); trying again`);
    return { retryAt };
  }

  // ---- Helpers -----------------------------------------------------------------------------

  private pauseInForce(): AmoError | null {
    return this.pausedBy && this.clock.now() < this.pausedBy.until ? this.pausedBy.error : null;
  }

  private deadlinePassed(): AmoError | null {
    return this.clock.now() >= this.deadlineMs
      ? this.deadlineError('the run reached its time limit')
      : null;
  }

  private deadlineError(why: string, status?: number): AmoError {
    return new AmoError({
      kind: 'deadline',
      status,
      message: `AmoCRM did not answer in time: ${why}; the work is retried on the next run`,
      retryable: true,
    });
  }

  private asAmoError(e: unknown): AmoError {
    if (e instanceof AmoError) return e;
    const reason = this.scrub(e instanceof Error ? e.message : String(e));
    return new AmoError({
      kind: 'auth',
      message: `Could not get an AmoCRM access token: ${reason}`,
    });
  }

  private scrub(text: string): string {
    return redact(text, [...this.secrets, ...(this.tokens.secrets?.() ?? [])]);
  }

  private sleep(ms: number): void {
    for (let left = Math.ceil(ms); left > 0; left -= MAX_SLEEP_MS) {
      this.clock.sleep(Math.min(left, MAX_SLEEP_MS));
    }
  }
}

/**
 * A rights refusal comes as problem+json (`{"title":"Forbidden","status":403,"detail":…}`, as
 * for Kommo's "Invalid scope"); the block after repeated 429s as a bare `403 Forbidden` page.
 * What AmoCRM sends for a non-admin is not documented: this reading is an assumption.
 */
function isRightsRefusal(body: unknown): boolean {
  return isObject(body) && (body.status === 403 || typeof body.detail === 'string');
}

function fail(error: AmoError): Outcome {
  return { done: { ok: false, error } };
}

function operationOf(call: AmoCall<unknown>): string {
  return `${call.method.toUpperCase()} ${call.path}`;
}

function rejectionMessage(status: number, text: string): string {
  if (status === 402) {
    return `AmoCRM refused the request (402): the account's paid period has ended (${text})`;
  }
  if (status === 404) return `AmoCRM has no such record or address (404): ${text}`;
  if (status >= 500) return `AmoCRM failed (${status}): ${text}`;
  return `AmoCRM rejected the request (${status}): ${text}`;
}
