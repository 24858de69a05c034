// AmoCRM as the Settings… dialog talks to it: a client built from the values in the form (not
// yet saved) with a short time budget, errors turned into one sentence with every secret
// scrubbed, and the one write the dialog cannot hold back: an authorization code AmoCRM has
// accepted is spent, so it is stored at once next to the tokens it bought.
import { AMO_TOKENS_KEY, AmoClient, AmoError, createTokenSource, redact } from '../amo';
import { Explained, failureText } from '../i18n/failures';
import type { Lang } from '../i18n/lang';
import { NetworkError } from '../ports';
import { PROP, SECRET_PROPS } from '../sync/config';
import type { Ports } from '../sync/context';

/** A dialog waits for its answer: a few quick tries, then the person hears why. */
const DIALOG_BUDGET_MS = 90_000;
const DIALOG_RETRY = { attempts: 2, maxWaitMs: 5_000 };

/** A problem the dialog found itself; its message is already a sentence for the person. */
export const SettingsProblem = Explained;

/**
 * A client for the form's values. The token store is the real Script Properties: tokens an
 * authorization code buys are kept even when the settings are not saved.
 */
export function dialogClient(ports: Ports, values: Record<string, string>): AmoClient {
  const tokens = createTokenSource(values, {
    store: ports.props,
    cache: ports.cache,
    mutex: ports.lock,
    http: ports.http,
    clock: ports.clock,
    logger: ports.logger,
    sha256Hex: ports.sha256Hex,
  });
  return new AmoClient({
    baseUrl: values[PROP.baseUrl] ?? '',
    http: ports.http,
    clock: ports.clock,
    tokens,
    logger: ports.logger,
    deadlineMs: ports.clock.now() + DIALOG_BUDGET_MS,
    retry: DIALOG_RETRY,
  });
}

/** One sentence for the dialog, in the person's language, and the field it concerns. */
export function describeFailure(
  error: unknown,
  values: Record<string, string>,
  lang: Lang
): { message: string; field: string } {
  const usesToken = Boolean(values[PROP.longLivedToken]);
  const message = failureText(error, lang, { baseUrl: values[PROP.baseUrl] ?? '', usesToken });
  const oauthChosen = !usesToken && Boolean(values[PROP.clientId]);
  return { message, field: fieldOf(error, oauthChosen) };
}

/** Which field a failure points at ('' for none in particular). */
function fieldOf(error: unknown, oauthChosen: boolean): string {
  if (error instanceof Explained) return error.field;
  if (error instanceof NetworkError) return PROP.baseUrl;
  if (!(error instanceof AmoError)) return '';
  if (error.kind === 'network' || error.kind === 'deadline' || error.status === 404) {
    return PROP.baseUrl;
  }
  if (error.kind === 'auth' || error.kind === 'config') {
    return oauthChosen ? PROP.authCode : PROP.longLivedToken;
  }
  return '';
}

/** Every secret value the dialog knows, to scrub from whatever it says. */
export function secretValues(...sources: Array<Record<string, string>>): string[] {
  return sources.flatMap(source => SECRET_PROPS.map(key => source[key] ?? '')).filter(Boolean);
}

/** `text` with every secret replaced by [redacted]. */
export function scrub(text: string, secrets: string[]): string {
  return redact(text, secrets);
}

/**
 * After a connection attempt with a new AMO_AUTH_CODE: when the stored tokens now come from it,
 * the code is spent and the tokens are tied to it, so it is stored at once. Otherwise the next
 * run would see the old code, take it for a new one and try to exchange it again.
 */
export function keepSpentAuthCode(ports: Ports, values: Record<string, string>): void {
  const code = values[PROP.authCode] ?? '';
  if (!code || values[PROP.longLivedToken] || ports.props.get(PROP.authCode) === code) return;
  if (storedCodeHash(ports) === ports.sha256Hex(code)) ports.props.set(PROP.authCode, code);
}

function storedCodeHash(ports: Ports): string {
  try {
    const tokens = JSON.parse(ports.props.get(AMO_TOKENS_KEY) ?? '{}') as { code_hash?: unknown };
    return typeof tokens.code_hash === 'string' ? tokens.code_hash : '';
  } catch {
    return '';
  }
}
