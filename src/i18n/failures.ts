// A failure of AmoCRM (or of reaching it) as one sentence for the person, in their language:
// what happened and what to do, naming the fields of the Settings… dialog and AmoCRM's screens
// as their AmoCRM interface names them. The client's own messages are written for the log
// (English, with the attempt count and the transport's words); they are shown as they are only
// where no better sentence exists (an English interface, an AmoCRM refusal of the data).
import { AmoError } from '../amo/errors';
import { NetworkError } from '../ports';
import type { Lang } from './lang';
import { messages } from './messages';

export interface FailureContext {
  /** The account address tried (its host is named, never a path or query). */
  baseUrl: string;
  /** True when a long-lived token signs in (else OAuth). */
  usesToken: boolean;
  /**
   * 'dialog': the person is checking values they just typed (a refused token was mistyped);
   * 'run': a sync run with saved settings (a refused token has expired or was revoked).
   */
  during?: 'dialog' | 'run';
}

/** An error whose message is already a sentence for the person (a check of the settings). */
export class Explained extends Error {
  constructor(
    message: string,
    /** The form field it concerns (e.g. AMO_PIPELINE_ID), when there is one. */
    readonly field = ''
  ) {
    super(message);
    this.name = 'SettingsProblem';
  }
}

export function failureText(error: unknown, lang: Lang, where: FailureContext): string {
  const text = messages(lang).settings;
  if (error instanceof Explained) return error.message;
  const host = hostOf(where.baseUrl);
  if (error instanceof NetworkError) return text.unreachable(host);
  if (!(error instanceof AmoError)) return text.unexpected;
  if (error.kind === 'config') return text.credentialsMissing;
  // A run in English keeps the client's own sentence: it says exactly what happened and what
  // happens next (retried later, or what to renew), written for the sheet's owner.
  if (where.during === 'run' && lang === 'en') return error.message;
  switch (error.kind) {
    case 'network':
      return where.during === 'run' ? text.retryLater(host) : text.unreachable(host);
    case 'deadline':
      return text.tooSlow(host);
    case 'auth':
      if (error.retryable) return error.status ? text.retryLater(host) : text.renewing;
      if (where.during === 'run') return where.usesToken ? text.tokenExpired : text.oauthLost;
      return where.usesToken ? text.tokenRefused : text.oauthRefused;
    case 'blocked':
      return text.blocked;
    default:
      if (error.status === 404) return text.notAmo(host);
      if (error.retryable && where.during === 'run') return text.retryLater(host);
      return lang === 'en' ? error.message : text.amoAnswered(error.status ?? 0);
  }
}

/** `https://x.amocrm.ru/leads?a=1` → `x.amocrm.ru`; what the person recognises. */
export function hostOf(url: string): string {
  const match = /^[a-z]+:\/\/([^/?#]+)/i.exec(url.trim());
  return match ? match[1] : url.trim() || 'AmoCRM';
}
