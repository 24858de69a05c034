// The URL AmoCRM posts to. `ScriptApp.getService().getUrl()` is the deployment's `/exec` URL
// only inside a live doGet/doPost; elsewhere (menu, dialog, triggers) it may be the `/dev` URL,
// which answers only editors, or an outdated one (Class Service reference; community reports,
// README "Real-platform rules"). Nothing documents that swapping `/dev` for `/exec` gives the
// deployment's URL (the dev URL carries the script's head deployment id, not the versioned
// deployment's), so the script never guesses: it learns the URL inside doGet/doPost, or a
// person pastes it, and keeps it in Script Properties. Outside those executions only the kept
// URL is shown or subscribed.
import type { KeyValueStore, TriggerPort } from '../ports';
import { PROP } from './config';

/** Script Property holding the deployment's /exec URL, learned or pasted. */
export const WEB_APP_URL_KEY = 'SYNC_WEB_APP_URL';

/** What the dialog says when the URL is not known yet. */
export const WEB_APP_URL_HINT =
  'The webhook URL is not known yet: open the web app URL (Deploy → Manage deployments → Web app → URL, ending in /exec) once in a browser, or paste it in the settings.';

/** The URL without query or fragment when it is a web app's /exec URL, else null. */
export function execUrlOf(url: string | null | undefined): string | null {
  const base = (url ?? '').trim().replace(/[?#].*$/, '');
  return /^https?:\/\/[^\s/]+\/(?:[^\s?#]*\/)?exec$/i.test(base) ? base : null;
}

/**
 * Called in doGet/doPost, where getUrl() is the deployment's own: keeps it when it is new.
 * `known` is the stored value when the caller already read the properties (no extra read).
 */
export function learnWebAppUrl(
  props: KeyValueStore,
  triggers: Pick<TriggerPort, 'webAppUrl'>,
  known?: string | null
): void {
  const live = execUrlOf(triggers.webAppUrl());
  const stored = known === undefined ? props.get(WEB_APP_URL_KEY) : known;
  if (live && live !== stored) props.set(WEB_APP_URL_KEY, live);
}

/** A person pastes the web app URL; the answer says what is wrong with it, or null. */
export function saveWebAppUrl(props: KeyValueStore, pasted: string): string | null {
  const url = execUrlOf(pasted);
  if (!url) {
    return /\/dev(?:[?#]|$)/.test(pasted.trim())
      ? 'That is the development URL (/dev), which AmoCRM cannot open: use the deployment URL ending in /exec.'
      : 'The web app URL ends in /exec, e.g. https://script.google.com/macros/s/…/exec';
  }
  props.set(WEB_APP_URL_KEY, url);
  return null;
}

/** The deployment's /exec URL as far as it is known (never a /dev URL), or null. */
export function webAppBaseUrl(props: Pick<KeyValueStore, 'get'>): string | null {
  return execUrlOf(props.get(WEB_APP_URL_KEY));
}

/**
 * The URL AmoCRM posts to: the web app's /exec URL with the shared secret, or null. (`triggers`
 * is accepted for the callers of the old signature; the live getUrl() is not trusted here.)
 */
export function webhookUrl(ctx: {
  props: Pick<KeyValueStore, 'get'>;
  triggers?: unknown;
}): string | null {
  const base = webAppBaseUrl(ctx.props);
  const secret = ctx.props.get(PROP.webhookSecret);
  if (!base || !secret) return null;
  return `${base}?secret=${encodeURIComponent(secret)}`;
}
