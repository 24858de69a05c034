// Which AmoCRM leads become rows: the Script Properties IMPORT_NEW_LEADS (`true` turns on the
// automatic import of leads created in AmoCRM) and IMPORT_PIPELINES (pipeline ids joined by
// commas; empty means every pipeline, which exportLeads uses too).
import type { Lead } from '../../amo/types';
import { PROP } from '../config';

export interface LeadChoice {
  /** Leads created in AmoCRM become rows by themselves (webhook and reconciliation). */
  automatic: boolean;
  /** The chosen pipelines; [] = all. */
  pipelines: number[];
}

export function readLeadChoice(props: Record<string, string>): LeadChoice {
  const automatic = (props[PROP.importNewLeads] ?? '').trim().toLowerCase() === 'true';
  return { automatic, pipelines: parsePipelineIds(props[PROP.importPipelines] ?? '') };
}

/** `"123, 456"` → [123, 456]; anything that is not a positive id is left out. */
export function parsePipelineIds(text: string): number[] {
  const ids = text
    .split(/[,;]+/)
    .map(part => part.trim())
    .filter(part => /^\d{1,15}$/.test(part))
    .map(Number)
    .filter(n => n > 0);
  return [...new Set(ids)];
}

/** Parts of IMPORT_PIPELINES that are not pipeline ids (what the dialog refuses). */
export function badPipelineParts(text: string): string[] {
  return text
    .split(/[,;]+/)
    .map(part => part.trim())
    .filter(part => part !== '' && !/^\d{1,15}$/.test(part));
}

export function inChosenPipeline(lead: Lead, choice: LeadChoice): boolean {
  return choice.pipelines.length === 0 || choice.pipelines.includes(lead.pipeline_id);
}
