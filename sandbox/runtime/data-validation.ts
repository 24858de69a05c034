// Data validation as Apps Script has it (reference: SpreadsheetApp.newDataValidation,
// DataValidationBuilder, DataValidation, Range.setDataValidation[s] / getDataValidation[s] /
// clearDataValidations, enum DataValidationCriteria). A rule is plain data kept on the cell, so
// it moves with the cell on sort, insert and delete as notes do, and an inserted row copies it
// with the neighbour's format.
//
// Checked only when a person types (runtime.userEdit / spreadsheet.typeValues): "Reject input"
// (allowInvalid false) refuses a value that does not fit and the cell keeps its value; "Show a
// warning" (allowInvalid true, the default) keeps it and marks the cell invalid. A script's
// setValue is never refused (Sheets applies data validation to what people enter).
//
// Criteria here: VALUE_IN_LIST (requireValueInList), CHECKBOX (requireCheckbox) and
// DATE_IS_VALID_DATE (requireDate); the other require* methods throw "not implemented".

import { signatureMismatch } from './errors';
import type { Execution } from './execution';
import type { CellValue } from './typed-input';

export type CriteriaType = 'VALUE_IN_LIST' | 'CHECKBOX' | 'DATE_IS_VALID_DATE';

/** The criteria names of enum DataValidationCriteria (all of them, as the platform lists them). */
export const CRITERIA_NAMES = [
  'DATE_AFTER',
  'DATE_BEFORE',
  'DATE_BETWEEN',
  'DATE_EQUAL_TO',
  'DATE_IS_VALID_DATE',
  'DATE_NOT_BETWEEN',
  'DATE_ON_OR_AFTER',
  'DATE_ON_OR_BEFORE',
  'NUMBER_BETWEEN',
  'NUMBER_EQUAL_TO',
  'NUMBER_GREATER_THAN',
  'NUMBER_GREATER_THAN_OR_EQUAL_TO',
  'NUMBER_LESS_THAN',
  'NUMBER_LESS_THAN_OR_EQUAL_TO',
  'NUMBER_NOT_BETWEEN',
  'NUMBER_NOT_EQUAL_TO',
  'TEXT_CONTAINS',
  'TEXT_DOES_NOT_CONTAIN',
  'TEXT_EQUAL_TO',
  'TEXT_IS_VALID_EMAIL',
  'TEXT_IS_VALID_URL',
  'VALUE_IN_LIST',
  'VALUE_IN_RANGE',
  'CUSTOM_FORMULA',
  'CHECKBOX',
] as const;

/** A built rule: what the cell keeps. `values` are getCriteriaValues() as plain data. */
export interface ValidationRule {
  criteria: CriteriaType;
  values: unknown[];
  allowInvalid: boolean;
  helpText: string;
}

/** Whether a value (with its displayed text) fits the rule. Empty always fits. */
export function fitsRule(rule: ValidationRule, value: CellValue, display: string): boolean {
  if (value === '') return true;
  switch (rule.criteria) {
    case 'VALUE_IN_LIST': {
      // Sheets matches list items ignoring case (a typed "yes" fits "Yes"); see README.
      const items = (rule.values[0] as string[]).map(item => item.toLowerCase());
      return items.includes(display.toLowerCase());
    }
    case 'CHECKBOX': {
      const [checked = true, unchecked = false] = rule.values;
      return value === checked || value === unchecked;
    }
    case 'DATE_IS_VALID_DATE':
      return value instanceof Date;
  }
}

/** The message Sheets shows a person whose input is refused (the help text when there is one). */
export function refusalMessage(rule: ValidationRule): string {
  if (rule.helpText !== '') return rule.helpText;
  if (rule.criteria === 'VALUE_IN_LIST') return 'Input must be an item on the specified list.';
  if (rule.criteria === 'CHECKBOX') return 'Input must be a checkbox value.';
  return 'Input must be a valid date.';
}

export function copyRule(rule: ValidationRule): ValidationRule {
  return { ...rule, values: rule.values.map(v => (Array.isArray(v) ? [...v] : v)) };
}

function criteriaEnum(exec: Execution): Record<string, object> {
  return exec.enumType('DataValidationCriteria', CRITERIA_NAMES);
}

export function dataValidationEnums(exec: Execution): Record<string, object> {
  return { DataValidationCriteria: criteriaEnum(exec) };
}

/** SpreadsheetApp.newDataValidation(): a builder; allowInvalid starts true, as on the platform. */
export function newBuilder(exec: Execution, from?: ValidationRule): object {
  let rule: ValidationRule | null = from ? copyRule(from) : null;
  let allowInvalid = from?.allowInvalid ?? true;
  let helpText = from?.helpText ?? '';
  const set = (next: Omit<ValidationRule, 'allowInvalid' | 'helpText'>) => {
    rule = { ...next, allowInvalid, helpText };
    return self;
  };
  const current = (): ValidationRule | null => (rule ? { ...rule, allowInvalid, helpText } : null);
  const self: object = exec.object('DataValidationBuilder', {
    requireValueInList: (values, showDropdown) => {
      if (
        !Array.isArray(values) ||
        (showDropdown !== undefined && typeof showDropdown !== 'boolean')
      ) {
        throw signatureMismatch('SpreadsheetApp.DataValidationBuilder.requireValueInList', [
          values,
          showDropdown,
        ]);
      }
      const items = values.map(v => String(v));
      return set({ criteria: 'VALUE_IN_LIST', values: [items, showDropdown !== false] });
    },
    requireCheckbox: (...args) => set({ criteria: 'CHECKBOX', values: args.slice(0, 2) }),
    requireDate: () => set({ criteria: 'DATE_IS_VALID_DATE', values: [] }),
    setAllowInvalid: value => {
      allowInvalid = value !== false;
      return self;
    },
    setHelpText: text => {
      helpText = String(text);
      return self;
    },
    getAllowInvalid: () => allowInvalid,
    getHelpText: () => helpText,
    getCriteriaType: () => (rule ? criteriaEnum(exec)[rule.criteria] : null),
    getCriteriaValues: () => (rule ? copyRule(rule).values : []),
    copy: () => newBuilder(exec, current() ?? undefined),
    build: () => {
      const built = current();
      if (!built) {
        throw signatureMismatch('SpreadsheetApp.DataValidationBuilder.build', []);
      }
      return ruleObject(exec, built);
    },
  });
  return self;
}

/** A DataValidation: read-only, `copy()` gives a builder. */
export function ruleObject(exec: Execution, rule: ValidationRule): object {
  const frozen = copyRule(rule);
  return exec.object(
    'DataValidation',
    {
      getCriteriaType: () => criteriaEnum(exec)[frozen.criteria],
      getCriteriaValues: () => copyRule(frozen).values,
      getAllowInvalid: () => frozen.allowInvalid,
      getHelpText: () => frozen.helpText,
      copy: () => newBuilder(exec, frozen),
    },
    { host: frozen }
  );
}

/** The rule a script passed to setDataValidation(s): a DataValidation, or null to remove. */
export function ruleArg(exec: Execution, value: unknown, method: string): ValidationRule | null {
  if (value === null) return null;
  const rule = exec.hostOf<ValidationRule>(value, 'DataValidation');
  if (!rule) throw signatureMismatch(`SpreadsheetApp.Range.${method}`, [value]);
  return copyRule(rule);
}
