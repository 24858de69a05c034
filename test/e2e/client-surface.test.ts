// Issue 4, end to end: what the outside sees of the built bundle's AmoCRM access. No secret
// (long-lived token, access and refresh tokens, client secret, auth code, webhook secret) in a
// log line, a cell, a toast, a doGet/doPost answer or an error text, even when AmoCRM echoes
// one back or a transport error quotes a URL; doGet answers a health JSON without secrets;
// installTriggers twice leaves exactly two triggers.
import { WEBHOOK_SECRET, World } from '../../sandbox/world';

const ANN = { name: 'Ann Lee', phone: '8 912 345-67-89', email: 'ann@example.com', budget: 1500 };
const BOB = { name: 'Bob Roy', phone: '8 913 111-22-33', email: 'bob@example.com', budget: 700 };
const EVE = { name: 'Eve Kim', phone: '8 914 555-66-77', email: 'eve@example.com', budget: 300 };

/** Records every token AmoCRM hands out from now on (the /oauth2 answers). */
function collectIssuedTokens(w: World, into: Set<string>): void {
  w.rt.hooks.afterFetch = (req, res) => {
    if (!req.url.includes('/oauth2/access_token')) return;
    try {
      const body = JSON.parse(res.body) as Record<string, unknown>;
      for (const key of ['access_token', 'refresh_token']) {
        if (typeof body[key] === 'string') into.add(body[key] as string);
      }
    } catch {
      // Not a grant.
    }
  };
}

/** Every text the script let out: logs, errors, return values, cells, toasts, web answers. */
function everythingShown(w: World, extra: string[] = []): string[] {
  const texts: string[] = [...extra];
  for (const run of w.rt.executions) {
    texts.push(...run.logs);
    texts.push(run.error ?? '', run.killReason ?? '', JSON.stringify(run.returned ?? null));
    if (run.output) texts.push(run.output.content);
  }
  for (const sheet of w.rt.spreadsheet.sheetNames()) {
    const values = w.rt.spreadsheet.values(sheet);
    values.forEach((line, r) =>
      line.forEach((value, c) => {
        const cell = w.rt.spreadsheet.cell(sheet, r + 1, c + 1);
        texts.push(String(value), cell.display, cell.formula, cell.note);
      })
    );
  }
  const ui = w.rt.ui;
  for (const t of ui.toasts) texts.push(t.message, t.title ?? '');
  texts.push(JSON.stringify(ui.alerts), JSON.stringify(ui.dialogs), JSON.stringify(ui.prompts));
  for (const web of w.rt.webExecutions) texts.push(web.responseBody);
  return texts;
}

function expectNoSecret(texts: string[], secrets: Iterable<string>): void {
  const leaks: string[] = [];
  for (const secret of secrets) {
    if (!secret) continue;
    const forms = new Set([secret, encodeURIComponent(secret)]);
    for (const text of texts) {
      for (const form of forms) if (text.includes(form)) leaks.push(`${secret} in: ${text}`);
    }
  }
  expect(leaks).toEqual([]);
}

async function getJson(url: string): Promise<{ type: string; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return {
    type: res.headers.get('content-type') ?? '',
    body: JSON.parse(await res.text()) as Record<string, unknown>,
  };
}

describe('secrets never reach anything a person or a log can see', () => {
  test('OAuth: code, client secret, every issued token and the webhook secret stay hidden', async () => {
    const w = await World.start({ oauth: true });
    try {
      const props = w.rt.properties.script;
      const secrets = new Set<string>([
        props.get('AMO_AUTH_CODE') ?? '',
        props.get('AMO_CLIENT_SECRET') ?? '',
        WEBHOOK_SECRET,
      ]);
      collectIssuedTokens(w, secrets);
      const extra: string[] = [];

      w.run('installTriggers');
      w.type([ANN]);
      const tokens = JSON.parse(props.get('AMO_TOKENS') ?? '{}') as Record<string, string>;
      // AmoCRM echoes the bearer token, refresh token and client secret in a refusal.
      await w.fake.admin.inject({
        match: { method: 'POST', path: '/api/v4/leads/complex' },
        action: {
          status: 400,
          body: {
            title: 'Bad Request',
            status: 400,
            detail: `token ${tokens.access_token} refresh ${tokens.refresh_token} secret ${props.get('AMO_CLIENT_SECRET')}`,
          },
        },
      });
      w.type([BOB]);
      expect(String(w.row(1).sync_status)).toMatch(/^error/);

      // A manager changes the lead: AmoCRM's webhook reaches doPost over HTTP.
      await w.fake.admin.setLeadPrice({
        leadId: Number(w.row(0).amo_deal_id),
        price: 4200,
        now: w.now(),
      });
      // Someone posts with a wrong secret.
      const refused = await fetch(`${w.web?.url}?secret=wrong`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'account%5Bsubdomain%5D=example',
      });
      extra.push(await refused.text());

      // The access token expires and is renewed; then the webhook listing fails at the
      // transport level, whose error quotes the URL (the destination carries ?secret=).
      await w.fake.admin.expireAccessTokens(w.now());
      await w.fake.admin.inject({
        match: { method: 'GET', path: '/api/v4/webhooks' },
        times: 'forever',
        action: 'drop',
      });
      w.run('syncNow');
      await w.fake.admin.clearFaults();

      // The subscription is switched off; re-subscribing is refused with the destination echoed.
      await w.fake.admin.setWebhookDisabled(`${w.web?.url}?secret=${WEBHOOK_SECRET}`, true);
      await w.fake.admin.inject({
        match: { method: 'POST', path: '/api/v4/webhooks' },
        action: {
          status: 400,
          body: {
            title: 'Bad Request',
            status: 400,
            detail: `destination ${w.web?.url}?secret=${WEBHOOK_SECRET} is not reachable`,
          },
        },
      });
      w.run('syncNow');

      // The integration is switched off: renewing fails.
      await w.fake.admin.revokeTokens();
      await w.fake.admin.expireAccessTokens(w.now());
      w.type([EVE]);
      w.run('syncNow');
      extra.push(JSON.stringify((await getJson(w.web?.url ?? '')).body));

      expect(secrets.size).toBeGreaterThanOrEqual(7); // code, client secret, webhook, 2 pairs
      const shown = everythingShown(w, extra);
      // The scenarios above did produce errors that had something to hide.
      expect(shown.join('\n')).toContain('[redacted]');
      expect(shown.join('\n')).toMatch(/Could not reach AmoCRM/);
      expectNoSecret(shown, secrets);
    } finally {
      w.rt.hooks.afterFetch = undefined;
      await w.stop();
    }
  });

  test('long-lived token: it stays hidden, even when AmoCRM echoes it back', async () => {
    const w = await World.start({ oauth: false, runtime: { fetchTimeoutMs: 300 } });
    try {
      const token = w.rt.properties.script.get('AMO_LONG_LIVED_TOKEN') ?? '';
      w.run('installTriggers');
      await w.fake.admin.inject({
        match: { method: 'POST', path: '/api/v4/leads/complex' },
        action: {
          status: 422,
          body: { title: 'Unprocessable', status: 422, detail: `Bearer ${token} not allowed` },
        },
      });
      w.type([ANN]);
      expect(String(w.row(0).sync_status)).toMatch(/^error/);
      await w.fake.admin.inject({
        match: { method: 'GET', path: '/api/v4/webhooks' },
        action: 'hang',
      });
      w.run('syncNow');
      await w.fake.admin.revokeTokens();
      w.type([BOB]);
      w.run('syncNow');

      const shown = everythingShown(w);
      expect(shown.join('\n')).toContain('[redacted]');
      expect(shown.join('\n')).toMatch(/Timeout/);
      expectNoSecret(shown, [token, WEBHOOK_SECRET]);
    } finally {
      await w.stop();
    }
  });
});

describe('the web app and the triggers', () => {
  let w: World;
  beforeAll(async () => {
    w = await World.start({ oauth: true });
  });
  afterAll(async () => {
    await w.stop();
  });

  test('doGet answers a health JSON with the version and the configured flag, no secret', async () => {
    const { type, body } = await getJson(w.web?.url ?? '');
    expect(type).toMatch(/^application\/json/);
    expect(body.status).toBe('healthy');
    expect(typeof body.version).toBe('string');
    expect(String(body.version)).not.toBe('');
    expect(body.configured).toBe(true);
    const props = w.rt.properties.script;
    expectNoSecret(
      [JSON.stringify(body)],
      [props.get('AMO_AUTH_CODE') ?? '', props.get('AMO_CLIENT_SECRET') ?? '', WEBHOOK_SECRET]
    );
  });

  test('doGet says not configured when the settings are incomplete', async () => {
    const props = w.rt.properties.script;
    const pipeline = props.get('AMO_PIPELINE_ID') ?? '';
    props.delete('AMO_PIPELINE_ID');
    try {
      const { body } = await getJson(w.web?.url ?? '');
      expect(body).toMatchObject({ status: 'healthy', configured: false });
    } finally {
      props.set('AMO_PIPELINE_ID', pipeline);
    }
  });

  test('installTriggers twice leaves exactly two triggers: one on edit, one on the clock', () => {
    w.run('installTriggers');
    const second = w.run('installTriggers');
    expect(second.returned).toMatch(/^The triggers were already installed/);
    const triggers = w.rt.triggers.list;
    expect(triggers).toHaveLength(2);
    expect(triggers.filter(t => t.eventType === 'ON_EDIT').map(t => t.handler)).toEqual([
      'handleEdit',
    ]);
    expect(triggers.filter(t => t.eventType === 'CLOCK')).toHaveLength(1);
  });
});
