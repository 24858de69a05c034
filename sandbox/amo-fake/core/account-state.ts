// The account's data: pipelines, leads, contacts, companies, their custom-field catalogs, tags,
// the links between leads and contacts or a company, and the event list (events.ts). Plain
// in-memory records with AmoCRM's field names; no HTTP, no validation of request bodies
// (lead-writes.ts and contact-writes.ts do that), so the admin side and the API side change the
// same records the same way.

import type {
  AccountUserConfig,
  CompanyRecord,
  ContactRecord,
  CustomFieldDefinition,
  FakeAmoConfig,
  LeadRecord,
  PipelineConfig,
  RecordBase,
  StatusConfig,
  TaggedEntity,
  TagRecord,
} from '../types';
import { FieldCatalog } from './custom-fields';
import { EventLog } from './events';
import {
  LOST_STATUS_ID,
  SYSTEM_STATUSES,
  WON_STATUS_ID,
  defaultContactFields,
} from './default-data';

type IdKind = 'lead' | 'contact' | 'company' | 'field' | 'tag' | 'enum';

export interface FieldSpec {
  name: string;
  type: string;
  code: string | null;
  sort?: number;
  enums?: string[];
}

/** Ids start at realistic, distinct magnitudes so a lead id never passes for a contact id. */
const FIRST_IDS: Record<IdKind, number> = {
  lead: 31000001,
  contact: 62000001,
  company: 41000001,
  field: 970001,
  tag: 100001,
  enum: 800001,
};

export class AccountState {
  readonly leads = new Map<number, LeadRecord>();
  readonly contacts = new Map<number, ContactRecord>();
  readonly leadFields = new FieldCatalog([]);
  readonly companies = new Map<number, CompanyRecord>();
  readonly contactFields = new FieldCatalog(defaultContactFields());
  readonly companyFields = new FieldCatalog([]);
  private tags: Record<TaggedEntity, TagRecord[]> = { leads: [], contacts: [], companies: [] };
  private ids: Record<IdKind, number> = { ...FIRST_IDS };
  /** Leads and contacts newLead / newContact made whose first write (the create) is still due. */
  private unwritten = new WeakSet<LeadRecord | ContactRecord>();
  readonly events: EventLog;

  constructor(private config: () => FakeAmoConfig) {
    this.events = new EventLog(() => this.config().accountId);
  }

  /**
   * True once, for the first write of a record newLead / newContact just made: that write is its
   * create, which logs no field events; every later write is an update.
   */
  isCreating(record: LeadRecord | ContactRecord): boolean {
    return this.unwritten.delete(record);
  }

  fieldCatalog(entity: TaggedEntity): FieldCatalog {
    if (entity === 'leads') return this.leadFields;
    return entity === 'contacts' ? this.contactFields : this.companyFields;
  }

  nextId(kind: IdKind): number {
    const id = this.ids[kind];
    this.ids[kind] += 2; // AmoCRM's ids are not consecutive either
    return id;
  }

  /** Configured pipelines, each with the system statuses 142 and 143. */
  pipelines(): PipelineConfig[] {
    return this.config().pipelines.map(pipeline => ({
      ...pipeline,
      statuses: withSystemStatuses(pipeline.statuses),
    }));
  }

  pipeline(id: number): PipelineConfig | undefined {
    return this.pipelines().find(p => p.id === id);
  }

  mainPipeline(): PipelineConfig {
    const all = this.pipelines();
    return all.find(p => p.is_main) ?? all[0];
  }

  /** An active user of the account (one who may be made responsible). */
  activeUser(id: number): AccountUserConfig | undefined {
    return this.config().users.find(user => user.id === id && user.isActive);
  }

  /** A live (not deleted) lead. */
  lead(id: number): LeadRecord | undefined {
    const lead = this.leads.get(id);
    return lead && !lead.is_deleted ? lead : undefined;
  }

  contact(id: number): ContactRecord | undefined {
    const contact = this.contacts.get(id);
    return contact && !contact.is_deleted ? contact : undefined;
  }

  newLead(nowS: number, userId: number): LeadRecord {
    const id = this.nextId('lead');
    const main = this.mainPipeline();
    const lead: LeadRecord = {
      id,
      name: `Сделка #${id}`,
      price: 0,
      responsible_user_id: userId,
      group_id: 0,
      status_id: firstWorkingStatus(main).id,
      pipeline_id: main.id,
      loss_reason_id: null,
      created_by: userId,
      updated_by: userId,
      created_at: nowS,
      updated_at: nowS,
      closed_at: null,
      is_deleted: false,
      custom_fields_values: null,
      account_id: this.config().accountId,
      tags: [],
      contacts: [],
      companies: [],
    };
    this.leads.set(id, lead);
    this.unwritten.add(lead);
    return lead;
  }

  newContact(nowS: number, userId: number): ContactRecord {
    const base = this.newRecord(this.nextId('contact'), nowS, userId);
    const contact: ContactRecord = { ...base, first_name: '', last_name: '' };
    this.contacts.set(contact.id, contact);
    this.unwritten.add(contact);
    return contact;
  }

  newCompany(nowS: number, userId: number): CompanyRecord {
    const company = this.newRecord(this.nextId('company'), nowS, userId);
    this.companies.set(company.id, company);
    return company;
  }

  private newRecord(id: number, nowS: number, userId: number): RecordBase {
    return {
      id,
      name: '',
      responsible_user_id: userId,
      group_id: 0,
      created_by: userId,
      updated_by: userId,
      created_at: nowS,
      updated_at: nowS,
      is_deleted: false,
      custom_fields_values: null,
      account_id: this.config().accountId,
      tags: [],
    };
  }

  company(id: number): CompanyRecord | undefined {
    const company = this.companies.get(id);
    return company && !company.is_deleted ? company : undefined;
  }

  /** A lead has at most one company: linking another replaces it; null unlinks. */
  setCompany(lead: LeadRecord, companyId: number | null): void {
    lead.companies = companyId === null ? [] : [{ id: companyId }];
  }

  leadsOfCompany(companyId: number): LeadRecord[] {
    return [...this.leads.values()].filter(
      lead => !lead.is_deleted && lead.companies.some(c => c.id === companyId)
    );
  }

  /** Moves a lead; closing statuses stamp closed_at, reopening clears it. */
  setStatus(lead: LeadRecord, statusId: number, pipelineId: number, nowS: number): void {
    lead.status_id = statusId;
    lead.pipeline_id = pipelineId;
    const closing = statusId === WON_STATUS_ID || statusId === LOST_STATUS_ID;
    lead.closed_at = closing ? (lead.closed_at ?? nowS) : null;
  }

  /** Links a contact; the first contact, or one linked with is_main, becomes the main one. */
  link(lead: LeadRecord, contactId: number, isMain: boolean | undefined): void {
    const main = isMain === true || !lead.contacts.some(c => c.is_main);
    if (main) lead.contacts.forEach(c => (c.is_main = false));
    const existing = lead.contacts.find(c => c.id === contactId);
    if (existing) existing.is_main = existing.is_main || main;
    else lead.contacts.push({ id: contactId, is_main: main });
  }

  unlink(lead: LeadRecord, contactId: number): void {
    lead.contacts = lead.contacts.filter(c => c.id !== contactId);
  }

  leadsOfContact(contactId: number): LeadRecord[] {
    return [...this.leads.values()].filter(
      lead => !lead.is_deleted && lead.contacts.some(c => c.id === contactId)
    );
  }

  tagList(entity: TaggedEntity): TagRecord[] {
    return this.tags[entity].map(tag => ({ ...tag }));
  }

  tagById(id: number, entity: TaggedEntity): TagRecord | undefined {
    return this.tags[entity].find(tag => tag.id === id);
  }

  /**
   * The tag with this name (case-insensitive), created when new: AmoCRM creates tags on first
   * use, and each entity type has its own directory, so a lead tag and a contact tag of the
   * same name have different ids (Kommo "Tags": "A tag will have a different ID for
   * different entities").
   */
  tagByName(name: string, entity: TaggedEntity, color: string | null = null): TagRecord {
    const list = this.tags[entity];
    const found = list.find(tag => tag.name.toLowerCase() === name.toLowerCase());
    if (found) return found;
    const tag = { id: this.nextId('tag'), name, color };
    list.push(tag);
    return tag;
  }

  /** A new custom field; select-like fields get their enums numbered. */
  createField(entity: 'leads' | 'contacts', spec: FieldSpec): CustomFieldDefinition {
    const catalog = this.fieldCatalog(entity);
    const def: CustomFieldDefinition = {
      id: this.nextId('field'),
      name: spec.name,
      type: spec.type,
      code: spec.code,
      sort: spec.sort ?? 500 + catalog.list().length * 2,
      entity_type: entity,
      is_api_only: false,
      is_predefined: false,
      is_deletable: true,
      enums: spec.enums
        ? spec.enums.map((value, i) => ({ id: this.nextId('enum'), value, sort: (i + 1) * 10 }))
        : null,
    };
    catalog.add(def);
    return def;
  }

  /**
   * Adds an option to a select-like field, as an admin does in AmoCRM's settings: a new enum id,
   * sorted after the others. AmoCRM sends no webhook for it; only a new read of the field shows it.
   */
  addFieldOption(entity: 'leads' | 'contacts', id: number, value: string): CustomFieldDefinition {
    const catalog = this.fieldCatalog(entity);
    const def = catalog.own(id);
    if (!def?.enums) throw new Error(`No ${entity} field ${id} with options`);
    const sort = Math.max(0, ...def.enums.map(e => e.sort)) + 10;
    def.enums.push({ id: this.nextId('enum'), value, sort });
    return { ...def, enums: [...def.enums] };
  }

  /**
   * Deletes a custom field, as an admin can at any time: its values vanish from every record
   * (Kommo "Delete a custom field": "Custom field values will be deleted"). False when unknown.
   */
  deleteField(entity: 'leads' | 'contacts', id: number): boolean {
    const catalog = this.fieldCatalog(entity);
    if (!catalog.remove(id)) return false;
    const records = entity === 'leads' ? this.leads.values() : this.contacts.values();
    for (const record of records) {
      const left = (record.custom_fields_values ?? []).filter(f => f.field_id !== id);
      record.custom_fields_values = left.length > 0 ? left : null;
    }
    return true;
  }
}

function withSystemStatuses(statuses: StatusConfig[]): StatusConfig[] {
  const missing = SYSTEM_STATUSES.filter(s => !statuses.some(own => own.id === s.id));
  return [...statuses, ...missing].sort((a, b) => a.sort - b.sort);
}

/** Where a new lead lands by default: the first status after "Неразобранное". */
export function firstWorkingStatus(pipeline: PipelineConfig): StatusConfig {
  const working = pipeline.statuses.filter(
    s => s.type === 0 && s.id !== WON_STATUS_ID && s.id !== LOST_STATUS_ID
  );
  return working[0] ?? pipeline.statuses[0];
}
