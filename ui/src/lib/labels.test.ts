import { describe, expect, it } from 'vitest';
import bindingsSource from './bindings.ts?raw';
import {
  ACCOUNT_KIND_HINTS,
  ACCOUNT_KIND_LABELS,
  AUDIENCE_LABELS,
  AUTOMATIC_REASON_LABELS,
  GROUP_BY_LABELS,
  IMPORT_FORMAT_LABELS,
  KIND_LABELS,
  MESSAGE_STATE_LABELS,
  PERSON_FIELD_LABELS,
  REPORT_FORMAT_LABELS,
  ROLE_LABELS,
  ROW_CLASS_LABELS,
  ROW_UNIT_LABELS,
  SEVERITY_LABELS,
  STATUS_LABELS,
  STATUSES,
  STEP_LABELS,
  TECHNICAL_LEVEL_LABELS,
  THANKED_LABELS,
  THEME_LABELS,
  TLP_LABELS,
  TLP_HINTS,
  TONE_LABELS,
  labelOf,
  options,
} from './labels';
import { AUDIENCE_TONE, KIND_TONE, SEVERITY_TONE, STATUS_TONE } from '../components/Badge.svelte';

/** The string-literal unions declared in the generated bindings, read from the file itself. */
function unionsInBindings(): Map<string, string[]> {
  // Doc comments sit between the values of some unions (PersonField, RowClass): leave them out.
  const source: string = bindingsSource.replace(/\/\*\*[\s\S]*?\*\//g, '');
  const unions = new Map<string, string[]>();
  for (const match of source.matchAll(/export type (\w+) =\s*((?:"[^"]*"\s*\|?\s*)+);/g)) {
    const [, name, body] = match;
    unions.set(name!, [...body!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!));
  }
  return unions;
}

describe('label maps', () => {
  const unions = unionsInBindings();
  const maps: [string, Record<string, string>][] = [
    ['IncidentKind', KIND_LABELS],
    ['AccountKind', ACCOUNT_KIND_LABELS],
    ['AccountKind', ACCOUNT_KIND_HINTS],
    ['Severity', SEVERITY_LABELS],
    ['Status', STATUS_LABELS],
    ['Tlp', TLP_LABELS],
    ['Audience', AUDIENCE_LABELS],
    ['TechnicalLevel', TECHNICAL_LEVEL_LABELS],
    ['CreditRole', ROLE_LABELS],
    ['Theme', THEME_LABELS],
    ['MessageState', MESSAGE_STATE_LABELS],
    ['ToneCategory', TONE_LABELS],
    ['Step', STEP_LABELS],
    ['PersonField', PERSON_FIELD_LABELS],
    ['RowClass', ROW_CLASS_LABELS],
    ['ImportFormat', IMPORT_FORMAT_LABELS],
    ['Thanked', THANKED_LABELS],
    ['ReportFormat', REPORT_FORMAT_LABELS],
    ['GroupBy', GROUP_BY_LABELS],
    ['AutomaticReason', AUTOMATIC_REASON_LABELS],
  ];

  it.each(maps)('%s has a label for exactly the values in bindings.ts', (typeName, labels) => {
    const values = unions.get(typeName);
    expect(values, `${typeName} not found in bindings.ts`).toBeDefined();
    expect(Object.keys(labels).sort()).toEqual([...values!].sort());
    for (const label of Object.values(labels)) expect(label.trim()).not.toBe('');
  });

  it('badge tones and TLP hints cover every value too', () => {
    expect(Object.keys(SEVERITY_TONE).sort()).toEqual([...unions.get('Severity')!].sort());
    expect(Object.keys(STATUS_TONE).sort()).toEqual([...unions.get('Status')!].sort());
    expect(Object.keys(KIND_TONE).sort()).toEqual([...unions.get('IncidentKind')!].sort());
    expect(Object.keys(AUDIENCE_TONE).sort()).toEqual([...unions.get('Audience')!].sort());
    expect(Object.keys(TLP_HINTS).sort()).toEqual([...unions.get('Tlp')!].sort());
    expect(Object.keys(ROW_UNIT_LABELS).sort()).toEqual([...unions.get('RowUnit')!].sort());
  });

  it('lists statuses in life-cycle order', () => {
    expect(STATUSES).toEqual(['open', 'investigating', 'contained', 'resolved', 'closed']);
  });

  it('uses the TLP 2.0 spellings', () => {
    expect(options(TLP_LABELS).map((o) => o.label)).toEqual([
      'TLP:CLEAR',
      'TLP:GREEN',
      'TLP:AMBER',
      'TLP:AMBER+STRICT',
      'TLP:RED',
    ]);
  });

  it('shows an unknown value as itself rather than nothing', () => {
    expect(labelOf(ROLE_LABELS, 'log_provider')).toBe('Log provider');
    expect(labelOf(ROLE_LABELS, 'brand_new_role' as never)).toBe('brand_new_role');
    expect(labelOf(ROLE_LABELS, null)).toBe('');
  });
});
