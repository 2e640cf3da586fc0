// The pure parts of the Reports view: the period presets, and the name a saved report is offered
// under in the save dialog.

import type { ReportFilter, ReportFormat } from '../../lib/types';

export type PeriodPreset = 'this_quarter' | 'last_quarter' | 'this_year' | 'last_year' | 'all_time';

export const PERIOD_PRESET_LABELS: Record<PeriodPreset, string> = {
  this_quarter: 'This quarter',
  last_quarter: 'Last quarter',
  this_year: 'This year',
  last_year: 'Last year',
  all_time: 'All time',
};

export const PERIOD_PRESETS = Object.keys(PERIOD_PRESET_LABELS) as PeriodPreset[];

/** A period as the date inputs hold it: YYYY-MM-DD, or '' for an open end. */
export interface Period {
  from: string;
  to: string;
}

/** `date` as YYYY-MM-DD in local time (the day the person sees on their calendar). */
export function isoDay(date: Date): string {
  const y = String(date.getFullYear()).padStart(4, '0');
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** The first and last day of the quarter `offset` quarters from the one `today` is in. */
function quarter(today: Date, offset: number): Period {
  const first = new Date(today.getFullYear(), Math.floor(today.getMonth() / 3) * 3 + offset * 3, 1);
  const last = new Date(first.getFullYear(), first.getMonth() + 3, 0);
  return { from: isoDay(first), to: isoDay(last) };
}

/** The days a preset stands for, seen from `today`. */
export function presetPeriod(preset: PeriodPreset, today: Date = new Date()): Period {
  const year = today.getFullYear();
  switch (preset) {
    case 'this_quarter':
      return quarter(today, 0);
    case 'last_quarter':
      return quarter(today, -1);
    case 'this_year':
      return { from: `${year}-01-01`, to: `${year}-12-31` };
    case 'last_year':
      return { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` };
    case 'all_time':
      return { from: '', to: '' };
  }
}

/** The preset whose days `period` is exactly (its button shows as pressed), if any. */
export function presetOf(period: Period, today: Date = new Date()): PeriodPreset | null {
  for (const preset of PERIOD_PRESETS) {
    const days = presetPeriod(preset, today);
    if (days.from === period.from && days.to === period.to) return preset;
  }
  return null;
}

/** Letters, digits, dots and dashes only: a name every file system and mail client takes. */
function safePart(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** The words of a period in a file name: `2026-01-01-to-2026-03-31`, `from-2026-01-01`, `all-time`. */
function periodPart(from: string | null, to: string | null): string {
  if (from && to) return `${from}-to-${to}`;
  if (from) return `from-${from}`;
  if (to) return `until-${to}`;
  return 'all-time';
}

/**
 * The file name the save dialog suggests: `contributors-INC-2026-0042.pdf`,
 * `contributors-2026-01-01-to-2026-03-31.csv`, `recognition-2026-01-01-to-2026-12-31.pdf`; a
 * person's export adds who (`contributors-jane-corp.com-all-time.md`).
 */
export function suggestedFileName(
  kind: 'contributors' | 'recognition',
  filter: Pick<ReportFilter, 'incident' | 'person' | 'from' | 'to'>,
  format: ReportFormat,
): string {
  const parts: string[] = [kind];
  const person = filter.person ? safePart(filter.person) : '';
  if (person) parts.push(person);
  const incident = filter.incident ? safePart(filter.incident) : '';
  if (incident) parts.push(incident);
  else parts.push(periodPart(filter.from, filter.to));
  return `${parts.join('-')}.${format}`;
}
