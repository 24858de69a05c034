/* global SpreadsheetApp, UrlFetchApp, PropertiesService, Utilities */
// The benchmark's baseline: what the old Python service did, written as a plain Apps Script.
// One row at a time: search the contact by e-mail, then by phone, update it or create it,
// create the lead linked to it, read the lead back, write the row. One request at a time, no
// pacing except a sleep when AmoCRM answers 429. It stops starting rows after 5 minutes so a
// next run can continue with the rows that still have no amo_deal_id.

const STOP_AFTER_MS = 5 * 60 * 1000;

// eslint-disable-next-line @typescript-eslint/no-unused-vars
function importBaseline() {
  const started = Date.now();
  const props = PropertiesService.getScriptProperties().getProperties();
  const base = props.AMO_BASE_URL.replace(/\/+$/, '');
  const token = props.AMO_LONG_LIVED_TOKEN;
  const sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName(props.SHEET_NAME || 'Leads');
  const values = sheet.getDataRange().getValues();
  const header = values[0].map(function (h) {
    return String(h).trim().toLowerCase();
  });
  const col = function (name) {
    return header.indexOf(name);
  };
  const statusNames = pipelineStatusNames(base, token);
  let done = 0;
  for (let r = 1; r < values.length; r++) {
    if (Date.now() - started > STOP_AFTER_MS) break;
    const row = values[r];
    if (String(row[col('amo_deal_id')]) !== '') continue;
    const name = String(row[col('name')]).trim();
    const email = String(row[col('email')]).trim().toLowerCase();
    const phone = normalizePhone(String(row[col('phone')]));
    if (!name && !email && !phone) continue;

    let contactId = null;
    if (email)
      contactId = firstId(
        call(base, token, 'get', '/api/v4/contacts?query=' + encodeURIComponent(email)),
        'contacts'
      );
    const byPhone = phone
      ? firstId(
          call(base, token, 'get', '/api/v4/contacts?query=' + encodeURIComponent(phone)),
          'contacts'
        )
      : null;
    if (contactId === null) contactId = byPhone;
    const fields = [];
    if (phone) fields.push({ field_code: 'PHONE', values: [{ value: phone, enum_code: 'WORK' }] });
    if (email) fields.push({ field_code: 'EMAIL', values: [{ value: email, enum_code: 'WORK' }] });
    const contact = { name: name || phone || email, custom_fields_values: fields };
    if (contactId !== null) {
      call(base, token, 'patch', '/api/v4/contacts/' + contactId, contact);
    } else {
      contactId = call(base, token, 'post', '/api/v4/contacts', [contact])._embedded.contacts[0].id;
    }
    const lead = {
      name: name || phone || email,
      pipeline_id: Number(props.AMO_PIPELINE_ID),
      status_id: Number(props.AMO_STATUS_ID),
      _embedded: { contacts: [{ id: contactId }] },
    };
    const budget = Number(
      String(row[col('budget')])
        .replace(/[^\d,.]/g, '')
        .replace(',', '.')
    );
    if (budget > 0) lead.price = Math.round(budget);
    const leadId = call(base, token, 'post', '/api/v4/leads', [lead])._embedded.leads[0].id;
    const stored = call(base, token, 'get', '/api/v4/leads/' + leadId);

    const out = values[r].slice();
    out[col('amo_deal_id')] = String(leadId);
    out[col('amo_contact_id')] = String(contactId);
    out[col('amo_link')] = base + '/leads/detail/' + leadId;
    out[col('status')] = statusNames[stored.status_id] || String(stored.status_id);
    out[col('sync_status')] = 'synced';
    sheet.getRange(r + 1, 1, 1, out.length).setValues([out]);
    done++;
  }
  return 'imported ' + done;
}

function pipelineStatusNames(base, token) {
  const names = {};
  const pipelines = call(base, token, 'get', '/api/v4/leads/pipelines')._embedded.pipelines;
  pipelines.forEach(function (p) {
    p._embedded.statuses.forEach(function (s) {
      names[s.id] = s.name;
    });
  });
  return names;
}

/** One request; a 429 is waited out (Retry-After) and sent again. */
function call(base, token, method, path, body) {
  for (let attempt = 0; attempt < 10; attempt++) {
    const options = {
      method: method,
      headers: { Authorization: 'Bearer ' + token },
      muteHttpExceptions: true,
    };
    if (body !== undefined) {
      options.contentType = 'application/json';
      options.payload = JSON.stringify(body);
    }
    const response = UrlFetchApp.fetch(base + path, options);
    const code = response.getResponseCode();
    if (code === 429) {
      const headers = response.getHeaders();
      const wait = Number(headers['Retry-After'] || headers['retry-after'] || 1);
      Utilities.sleep(wait * 1000);
      continue;
    }
    if (code === 204) return null;
    if (code >= 300) throw new Error(method.toUpperCase() + ' ' + path + ' answered ' + code);
    return JSON.parse(response.getContentText());
  }
  throw new Error(method.toUpperCase() + ' ' + path + ': still rate-limited');
}

function firstId(page, key) {
  const items = page && page._embedded ? page._embedded[key] : [];
  return items && items.length > 0 ? items[0].id : null;
}

/** 8 (912) 345-67-89 → +79123456789 (Russian numbers only, as the old service did). */
function normalizePhone(text) {
  let digits = text.replace(/\D/g, '');
  if (digits.length === 11 && digits.charAt(0) === '8') digits = '7' + digits.slice(1);
  if (digits.length === 10) digits = '7' + digits;
  return digits.length === 11 ? '+' + digits : '';
}
