// Exact contact matching. AmoCRM's search is a substring search over stored text, so its hits
// are only candidates: this index keeps contacts by their normalized emails and phones and
// answers the contract's rule — the same email (case-insensitive) first, else the same phone
// after normalization.
import { contactEmails, contactPhones } from '../amo/fields';
import type { Contact } from '../amo/types';
import { normalizeEmail } from '../domain/email';
import { normalizePhone } from '../domain/phone';

export interface ContactValues {
  name: string;
  phones: string[];
  emails: string[];
}

/** A contact's name, normalized phones and lower-cased emails. */
export function contactValues(contact: Contact, region: string): ContactValues {
  return {
    name: contact.name ?? '',
    phones: contactPhones(contact)
      .map(v => normalizePhone(v, region))
      .flatMap(r => (r.ok && r.value ? [r.value] : [])),
    emails: contactEmails(contact)
      .map(v => normalizeEmail(v))
      .flatMap(r => (r.ok && r.value ? [r.value] : [])),
  };
}

export class ContactIndex {
  private readonly byEmail = new Map<string, number>();
  private readonly byPhone = new Map<string, number>();
  private readonly values = new Map<number, ContactValues>();
  private readonly contacts = new Map<number, Contact>();

  constructor(private readonly region: string) {}

  addAll(contacts: Contact[]): void {
    for (const c of contacts) {
      this.contacts.set(c.id, c);
      this.add(c.id, contactValues(c, this.region));
    }
  }

  /** The contact as AmoCRM sent it (for patches that must keep its other values). */
  contactOf(id: number): Contact | undefined {
    return this.contacts.get(id);
  }

  /** Adds a contact; the oldest (first added) contact keeps an email or phone it shares. */
  add(id: number, values: ContactValues): void {
    this.values.set(id, values);
    for (const e of values.emails) if (!this.byEmail.has(e)) this.byEmail.set(e, id);
    for (const p of values.phones) if (!this.byPhone.has(p)) this.byPhone.set(p, id);
  }

  /** The row's email and phone will be added to this contact: later rows match it by them. */
  extend(id: number, email: string | null, phone: string | null): void {
    if (email && !this.byEmail.has(email)) this.byEmail.set(email, id);
    if (phone && !this.byPhone.has(phone)) this.byPhone.set(phone, id);
  }

  /** The contact for a row: same email first, else same phone; null when none matches. */
  match(email: string | null, phone: string | null): number | null {
    if (email && this.byEmail.has(email)) return this.byEmail.get(email) as number;
    if (phone && this.byPhone.has(phone)) return this.byPhone.get(phone) as number;
    return null;
  }

  /** Whether another contact already holds this email or phone (adding it would duplicate). */
  heldByOther(id: number, kind: 'email' | 'phone', value: string): boolean {
    const holder = (kind === 'email' ? this.byEmail : this.byPhone).get(value);
    return holder !== undefined && holder !== id;
  }

  valuesOf(id: number): ContactValues | undefined {
    return this.values.get(id);
  }

  get size(): number {
    return this.values.size;
  }
}
