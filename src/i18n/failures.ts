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
  switch (error.kind) {
    case 'network':
      return text.unreachable(host);
    case 'deadline':
      return text.tooSlow(host);
    case 'auth':
      return where.usesToken ? text.tokenRefused : text.oauthRefused;
    case 'blocked':
      return text.blocked;
    case 'config':
      return text.credentialsMissing;
    default:
      if (error.status === 404) return text.notAmo(host);
      return lang === 'en' ? error.message : text.amoAnswered(error.status ?? 0);
  }
}

/** `https://x.amocrm.ru/leads?a=1` → `x.amocrm.ru`; what the person recognises. */
export function hostOf(url: string): string {
  const match = /^[a-z]+:\/\/([^/?#]+)/i.exec(url.trim());
  return match ? match[1] : url.trim() || 'AmoCRM';
}
