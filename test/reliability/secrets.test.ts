// Secrets audit: run a representative mix of the flows — with a long-lived token and with
// OAuth, faults included, and AmoCRM echoing secrets back in its errors — then look at
// everything a person or an outsider can see: every log line, every error, every cell of every
// sheet (the "AmoCRM log" sheet included), every doGet/doPost answer, every toast and alert.
// No token (long-lived, access, refresh), client secret, auth code or webhook secret may
// appear anywhere.
//
// Not audited, by design: the "Show webhook URL" alert and the settings dialog's URL, whose
// whole purpose is to show the owner the URL (with its secret) to paste into AmoCRM.
import { encodeForm } from '../../sandbox/amo-fake';
import {
  everythingVisible,
  MINUTE,
  people,
  person,
  startWorld,
  STATUS,
  WEBHOOK_SECRET,
  World,
} from './kit';
import type { WorldOptions } from './kit';

const TOKEN_URL = '/oauth2/access_token';

/** Every secret that existed in this world: set in Script Properties or seen on the wire. */
function collectSecrets(w: World): Set<string> {
  const secrets = new Set<string>([WEBHOOK_SECRET]);
  const props = w.rt.properties.script;
  for (const key of [
    'AMO_LONG_LIVED_TOKEN',
    'AMO_CLIENT_SECRET',
    'AMO_AUTH_CODE',
    'WEBHOOK_SECRET',
  ]) {
    const value = props.get(key);
    if (value) secrets.add(value);
  }
  w.rt.hooks.afterFetch = (req, res) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.Authorization ?? '')?.[1];
    if (bearer) secrets.add(bearer);
    if (req.url.includes(TOKEN_URL)) {
      for (const text of [req.payload ?? '', res.body]) {
        try {
          const body = JSON.parse(text) as Record<string, unknown>;
          for (const k of ['access_token', 'refresh_token', 'code', 'client_secret']) {
            if (typeof body[k] === 'string') secrets.add(body[k] as string);
          }
        } catch {
          // not JSON
        }
      }
    }
  };
  return secrets;
}

function storedTokens(w: World): { access_token: string; refresh_token: string } {
  return JSON.parse(w.rt.properties.script.get('AMO_TOKENS') ?? '{}');
}

async function postWebhook(
  w: World,
  query: string,
  body: string,
  contentType?: string
): Promise<void> {
  await fetch(`${w.web!.url}${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType ?? 'application/x-www-form-urlencoded' },
    body,
  });
}

/** The mix: pushes, pulls, failures, echoes. Returns nothing; everything lands in the world. */
async function scenario(w: World, oauth: boolean): Promise<void> {
  const admin = w.fake.admin;
  const state = await admin.state();
  const account: Array<[string, string]> = [
    ['account[subdomain]', state.config.subdomain],
    ['account[id]', String(state.config.accountId)],
  ];

  // A good row and a bad one; a paste whose create fails with a 500 (outcome unknown).
  w.type([person(1), { name: 'Плохой', email: 'not-an-email' }]);
  await admin.inject({ match: { path: '/api/v4/leads/complex' }, action: { status: 500 } });
  w.type(people(5, 'p'));
  await admin.clearFaults();

  // A manager's change arrives by webhook; another one is lost and reconciled.
  const lead = Number(w.row(0).amo_deal_id);
  await admin.setLeadStatus({ leadId: lead, statusId: STATUS.talks.id, now: w.now() });
  await admin.setWebhookDelivery(false);
  await admin.setLeadPrice({ leadId: lead, price: 4242, now: w.now() });
  await admin.setWebhookDelivery(true);
  w.rt.clock.advance(7 * MINUTE);
  w.rt.run('runBackgroundWork', { type: 'time' });

  // The webhook listing (its URL carries the secret in the query) hangs, then drops.
  await admin.inject({
    match: { path: '/api/v4/webhooks', method: 'GET' },
    times: 'forever',
    action: 'hang',
  });
  w.rt.run('syncNow');
  await admin.clearFaults();
  await admin.inject({
    match: { path: '/api/v4/webhooks', method: 'GET' },
    times: 'forever',
    action: 'drop',
  });
  w.rt.run('syncNow');
  await admin.clearFaults();

  // AmoCRM echoes the webhook URL (with the secret) in a validation error of the re-subscription.
  const destination = state.webhooks[0]?.destination ?? '';
  await admin.setWebhookDisabled(destination, true);
  await admin.inject({
    match: { path: '/api/v4/webhooks', method: 'POST' },
    times: 'forever',
    action: {
      status: 400,
      body: {
        title: 'Bad Request',
        detail: `destination ${destination} is not reachable (secret ${WEBHOOK_SECRET})`,
        'validation-errors': [
          {
            request_id: '0',
            errors: [
              { code: 'InvalidDestination', path: 'destination', detail: `bad ${destination}` },
            ],
          },
        ],
      },
    },
  });
  w.rt.run('syncNow');
  await admin.clearFaults();
  await admin.inject({
    match: { path: '/api/v4/webhooks', method: 'POST' },
    action: {
      status: 400,
      body: { title: 'Bad Request', detail: `Destination "${destination}" is not valid` },
    },
  });
  w.rt.run('syncNow');
  await admin.clearFaults();
  await admin.setWebhookDisabled(destination, false);

  // AmoCRM echoes the bearer token in an API error.
  const bearer = oauth
    ? storedTokens(w).access_token
    : (w.rt.properties.script.get('AMO_LONG_LIVED_TOKEN') ?? '');
  await admin.inject({
    match: { path: '/api/v4/leads', method: 'PATCH' },
    action: {
      status: 400,
      body: {
        title: 'Bad Request',
        detail: `token ${bearer} may not change price`,
        hint: `Bearer ${bearer}`,
      },
    },
  });
  w.edit(4, 'budget', 5000); // row 4 keeps this error in its sync_status
  await admin.clearFaults();

  // Killed right after a create, then recovered by the background run.
  await admin.inject({ match: { path: '/api/v4/leads/complex' }, action: 'kill-after' });
  w.type([person(9, 'k')]);
  w.rt.clock.advance(7 * MINUTE);
  w.rt.run('runBackgroundWork', { type: 'time' });

  // A 401 mid-run.
  await admin.inject({ match: { path: '^/api/v4/' }, action: { status: 401 } });
  w.edit(2, 'budget', 5100);
  await admin.clearFaults();

  if (oauth) {
    // The access token expires; the token endpoint echoes the refresh token and client secret.
    const { refresh_token } = storedTokens(w);
    const clientSecret = w.rt.properties.script.get('AMO_CLIENT_SECRET');
    await admin.expireAccessTokens(w.now());
    await admin.inject({
      match: { path: TOKEN_URL },
      action: {
        status: 400,
        body: {
          title: 'Bad Request',
          hint: `refresh_token ${refresh_token} for client_secret ${clientSecret}`,
          detail: `refresh_token=${refresh_token}`,
        },
      },
    });
    w.edit(2, 'budget', 5200);
    await admin.clearFaults();
    w.edit(2, 'budget', 5300); // renews for real
    // Every token revoked: the refresh is refused for good.
    await admin.revokeTokens();
    w.edit(2, 'budget', 5400);
    w.rt.run('syncNow');
    // A new authorization code that was already used.
    w.rt.properties.script.set('AMO_AUTH_CODE', await admin.issueAuthCode({ now: w.now() }));
    w.rt.run('syncNow');
    w.rt.run('syncNow');
  } else {
    // The long-lived token is revoked: 401 that cannot be renewed.
    await admin.revokeTokens();
    w.edit(2, 'budget', 5400);
    w.rt.run('syncNow');
  }

  // Refused webhooks that carry our secret in odd places, and a JSON one.
  const body = encodeForm([...account, ['leads[status][0][id]', String(lead)]]);
  await postWebhook(w, `?secret=${WEBHOOK_SECRET}x`, body);
  await postWebhook(w, `?secret=${WEBHOOK_SECRET.slice(0, -2)}`, body);
  await postWebhook(w, `?token=${WEBHOOK_SECRET}`, body);
  await postWebhook(
    w,
    `?secret=${WEBHOOK_SECRET}`,
    JSON.stringify({ secret: WEBHOOK_SECRET }),
    'application/json'
  );
  await postWebhook(
    w,
    `?secret=${WEBHOOK_SECRET}`,
    `${body}&leads%5Bstatus%5D%5B1%5D%5Bid%5D=${WEBHOOK_SECRET}`
  );
  // doGet, as an uptime check would call it.
  await fetch(`${w.web!.url}?secret=${WEBHOOK_SECRET}`);
  // The lock held: work deferred and logged.
  w.rt.locks.holdScriptLock();
  w.type([person(7, 'l')]);
  w.rt.locks.releaseHeld();
  w.rt.run('importExistingRows');
  w.rt.run('installTriggers');
  w.rt.openSpreadsheet();
}

describe.each([
  ['a long-lived token', { oauth: false }],
  ['OAuth', { oauth: true, runtime: { fetchTimeoutMs: 300 } }],
] as Array<[string, WorldOptions]>)('with %s, faults included', (_title, options) => {
  let w: World;
  let secrets: Set<string>;

  beforeAll(async () => {
    w = await startWorld({ runtime: { fetchTimeoutMs: 300 }, ...options });
    secrets = collectSecrets(w);
    await scenario(w, options.oauth === true);
    for (const t of Object.values(storedTokens(w))) if (typeof t === 'string') secrets.add(t);
  });

  afterAll(async () => {
    await w.stop();
  });

  it('ran the mix (failures, recoveries, refusals all happened)', () => {
    const texts = everythingVisible(w).join('\n');
    expect(w.rt.executions.length).toBeGreaterThan(20);
    expect(w.rt.webExecutions.length).toBeGreaterThan(5);
    expect(texts).toMatch(/error/);
    expect(texts).toMatch(/recovered/);
    expect(texts).toMatch(/wrong or missing secret/);
    // AmoCRM's echoes reached the messages, scrubbed.
    expect(texts).toMatch(/\[redacted\]/);
    // Long-lived: the token and the webhook secret. OAuth: client secret, codes, several
    // access and refresh tokens, the webhook secret.
    expect(secrets.size).toBeGreaterThanOrEqual(options.oauth ? 6 : 2);
  });

  function leaksIn(sources: string[]): string[] {
    const leaks: string[] = [];
    for (const secret of secrets) {
      if (secret.length < 6) continue;
      const forms = new Set([
        secret,
        encodeURIComponent(secret),
        encodeURIComponent(encodeURIComponent(secret)),
      ]);
      for (const text of sources) {
        for (const form of forms) {
          const at = text.indexOf(form);
          if (at >= 0)
            leaks.push(`${secret.slice(0, 6)}… in: ${text.slice(Math.max(0, at - 120), at + 40)}`);
        }
      }
    }
    return leaks;
  }

  it('shows no token, client secret, auth code or webhook secret anywhere', () => {
    expect(leaksIn(everythingVisible(w))).toEqual([]);
  });

  it('would see a leak: the owner-only "Show webhook URL" alert is caught by the audit', () => {
    w.rt.run('showWebhookUrl');
    expect(leaksIn(everythingVisible(w)).join('\n')).toContain(WEBHOOK_SECRET.slice(0, 6));
  });
});
