// Deterministic, realistic test data for the benchmark and the import test: Russian names,
// mobile phones in the formats people type, e-mails, budgets as numbers and as text. Every
// person has a distinct phone and e-mail; a share of the rows belong to contacts that already
// exist in AmoCRM (by e-mail, or by phone written in another format than AmoCRM stores it).
import type { SeedContact, SeedLead } from '../sandbox/amo-fake';

const FIRST = [
  ['Александр', 'aleksandr'],
  ['Дмитрий', 'dmitry'],
  ['Максим', 'maksim'],
  ['Сергей', 'sergey'],
  ['Андрей', 'andrey'],
  ['Алексей', 'aleksey'],
  ['Артём', 'artem'],
  ['Илья', 'ilya'],
  ['Кирилл', 'kirill'],
  ['Михаил', 'mikhail'],
  ['Анна', 'anna'],
  ['Мария', 'maria'],
  ['Елена', 'elena'],
  ['Ольга', 'olga'],
  ['Наталья', 'natalia'],
  ['Татьяна', 'tatiana'],
  ['Ирина', 'irina'],
  ['Екатерина', 'ekaterina'],
  ['Светлана', 'svetlana'],
  ['Юлия', 'yulia'],
] as const;

const LAST = [
  ['Иванов', 'ivanov'],
  ['Смирнов', 'smirnov'],
  ['Кузнецов', 'kuznetsov'],
  ['Попов', 'popov'],
  ['Васильев', 'vasiliev'],
  ['Петров', 'petrov'],
  ['Соколов', 'sokolov'],
  ['Михайлов', 'mikhailov'],
  ['Новиков', 'novikov'],
  ['Фёдоров', 'fedorov'],
  ['Морозов', 'morozov'],
  ['Волков', 'volkov'],
  ['Алексеев', 'alekseev'],
  ['Лебедев', 'lebedev'],
  ['Семёнов', 'semenov'],
  ['Егоров', 'egorov'],
] as const;

const DOMAINS = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru', 'list.ru'];

/** Mulberry32: a small seeded PRNG, so every run generates the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Person {
  name: string;
  /** The ten national digits of a Russian mobile, e.g. `9123456789`. */
  digits: string;
  email: string;
}

/** The i-th person: every i has its own phone and e-mail (the phone map is a bijection). */
export function person(i: number): Person {
  const [first, firstLat] = FIRST[i % FIRST.length];
  const [lastRaw, lastLat] = LAST[Math.floor(i / FIRST.length) % LAST.length];
  const female = i % FIRST.length >= 10;
  const last = female ? femaleSurname(lastRaw) : lastRaw;
  // 7919 is prime and coprime with 10^9: i → i·7919 + c (mod 10^9) never repeats.
  const digits = '9' + String((i * 7919 + 31337) % 1_000_000_000).padStart(9, '0');
  const email = `${firstLat}.${lastLat}${i}@${DOMAINS[i % DOMAINS.length]}`;
  return { name: `${first} ${last}`, digits, email };
}

function femaleSurname(last: string): string {
  return last.endsWith('й') ? last.slice(0, -2) + 'ая' : last + 'а';
}

/** How AmoCRM stores a seeded contact's phone. */
export function storedPhone(digits: string): string {
  return `+7 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}`;
}

/** The ways people type a phone into the sheet (none equal to storedPhone's text). */
export function typedPhone(digits: string, style: number): string {
  const [a, b, c, d] = [
    digits.slice(0, 3),
    digits.slice(3, 6),
    digits.slice(6, 8),
    digits.slice(8),
  ];
  switch (style % 5) {
    case 0:
      return `8 (${a}) ${b}-${c}-${d}`;
    case 1:
      return `+7 ${a} ${b} ${c} ${d}`;
    case 2:
      return `8${digits}`;
    case 3:
      return `+7${digits}`;
    default:
      return `8-${a}-${b}-${c}${d}`;
  }
}

function budget(rand: () => number): string | number {
  const r = rand();
  const amount = Math.round(10 + rand() * 990) * 1000;
  if (r < 0.15) return '';
  if (r < 0.55) return amount;
  if (r < 0.8) return amount.toLocaleString('ru-RU').replace(/\u00a0/g, ' ');
  return `${amount.toLocaleString('ru-RU').replace(/\u00a0/g, ' ')} ₽`;
}

export interface Dataset {
  /** Contacts already in AmoCRM before the import. */
  contacts: SeedContact[];
  /** Sheet rows keyed by header. */
  rows: Array<Record<string, string | number>>;
  /** For each row, the index of the seeded contact it must reuse, or -1. */
  matches: number[];
}

/**
 * `rows` rows; `matchShare` of them (spread evenly, at random) belong to one of `contacts`
 * existing contacts: half by e-mail (written in other capitals), half by phone (typed in
 * another format than stored, with an e-mail AmoCRM does not know). The rest are new people.
 */
export function dataset(rows: number, contacts = 1000, matchShare = 0.1, seed = 7): Dataset {
  const rand = prng(seed);
  const seeded: SeedContact[] = [];
  for (let i = 0; i < contacts; i++) {
    const p = person(i);
    seeded.push({ name: p.name, phone: storedPhone(p.digits), email: p.email });
  }
  const out: Dataset = { contacts: seeded, rows: [], matches: [] };
  const matching = Math.round(rows * matchShare);
  const step = rows / Math.max(1, matching);
  let nextMatch = 0;
  for (let r = 0; r < rows; r++) {
    const isMatch = contacts > 0 && nextMatch < matching && r >= Math.floor(nextMatch * step);
    if (isMatch) {
      nextMatch++;
      const k = Math.floor(rand() * contacts);
      const p = person(k);
      const byEmail = rand() < 0.5;
      out.rows.push({
        name: p.name,
        phone: byEmail ? (rand() < 0.5 ? '' : typedPhone(p.digits, r)) : typedPhone(p.digits, r),
        email: byEmail ? capitalize(p.email) : `${p.email.split('@')[0]}@work-${r}.ru`,
        budget: budget(rand),
      });
      out.matches.push(k);
    } else {
      const p = person(contacts + r);
      const form = rand();
      out.rows.push({
        name: p.name,
        phone: form < 0.1 ? '' : typedPhone(p.digits, r),
        email: form > 0.9 ? '' : p.email,
        budget: budget(rand),
      });
      out.matches.push(-1);
    }
  }
  return out;
}

function capitalize(email: string): string {
  const [local, domain] = email.split('@');
  return `${local.charAt(0).toUpperCase()}${local.slice(1)}@${domain.toUpperCase()}`;
}

/**
 * `count` leads already in AmoCRM before the sheet knew of them (for exportLeads), each with its
 * own contact, budgets in whole thousands, alternating over the given statuses.
 */
export function existingLeads(
  count: number,
  pipelineId: number,
  statusIds: number[],
  seed = 11
): { contacts: SeedContact[]; leads: SeedLead[] } {
  const rand = prng(seed);
  const contacts: SeedContact[] = [];
  const leads: SeedLead[] = [];
  for (let i = 0; i < count; i++) {
    const p = person(100_000 + i);
    contacts.push({ name: p.name, phone: storedPhone(p.digits), email: p.email });
    leads.push({
      name: `Сделка ${i + 1}`,
      price: 1000 * Math.floor(rand() * 500),
      pipelineId,
      statusId: statusIds[i % statusIds.length],
      contact: i,
    });
  }
  return { contacts, leads };
}
