// The import wizard's plain rules and words: how the column mapping changes, how rows and counts
// are named, and what the toast says once people are imported.

import { formatCount } from '../../lib/format';
import { ROW_UNIT_LABELS } from '../../lib/labels';
import type { ImportCounts, ImportFormat, ImportProgress, PersonField, RowClass, RowUnit } from '../../lib/types';

/** A column's field, or null for "Not imported". */
export type Mapping = (PersonField | null)[];

/** Fields that several columns may feed at once (the backend joins them). */
const SHARED_FIELDS: ReadonlySet<PersonField> = new Set(['notes']);

/** Only CSV sources (a mailmerge project's database is one) have columns to map. */
export function hasColumns(format: ImportFormat): boolean {
  return format === 'csv' || format === 'mailmerge';
}

/**
 * `mapping` with `column` feeding `field`. A field has one column: if another column fed it, that
 * column becomes "Not imported" (notes excepted, which may come from several columns).
 */
export function assignField(mapping: Mapping, column: number, field: PersonField | null): Mapping {
  return mapping.map((current, index) => {
    if (index === column) return field;
    if (field !== null && current === field && !SHARED_FIELDS.has(field)) return null;
    return current;
  });
}

export function mapsEmail(mapping: Mapping): boolean {
  return mapping.includes('email');
}

/** The columns whose field changed from `before` to `after` (for saying what moved). */
export function movedAway(before: Mapping, after: Mapping, except: number): number[] {
  return before.flatMap((field, index) => (index !== except && field !== null && after[index] === null ? [index] : []));
}

/** The sample values of one column, one per sample row, empty ones left out. */
export function samplesOf(samples: string[][], column: number): string[] {
  return samples.map((row) => (row[column] ?? '').replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** "Row 3", "Card 2", "Address 5". */
export function rowLabel(unit: RowUnit, row: number): string {
  const word = ROW_UNIT_LABELS[unit]?.one ?? 'row';
  return `${word.charAt(0).toUpperCase()}${word.slice(1)} ${formatCount(row)}`;
}

/** "1 row", "2,000 cards". */
export function unitCount(unit: RowUnit, count: number): string {
  const words = ROW_UNIT_LABELS[unit] ?? ROW_UNIT_LABELS.row;
  return `${formatCount(count)} ${count === 1 ? words.one : words.many}`;
}

/** How many people an import writes: the new ones and the known ones it updates. */
export function toImport(counts: ImportCounts): number {
  return counts.new + counts.updated;
}

export function totalOf(counts: ImportCounts): number {
  return counts.new + counts.updated + counts.duplicate + counts.invalid;
}

const people = (count: number) => (count === 1 ? 'person' : 'people');

/** "Imported 5 new and 1 updated person", "Imported 3 new people", "Updated 2 known people". */
export function importedMessage(counts: ImportCounts): string {
  const { new: added, updated } = counts;
  if (added > 0 && updated > 0) return `Imported ${formatCount(added)} new and ${formatCount(updated)} updated ${people(updated)}`;
  if (added > 0) return `Imported ${formatCount(added)} new ${people(added)}`;
  if (updated > 0) return `Updated ${formatCount(updated)} known ${people(updated)}`;
  return 'Nothing was imported';
}

/** The label of the import button: "Import 6 people", "Import 1 person" (or "Save the template"). */
export function importLabel(counts: ImportCounts, savesTemplate = false): string {
  const count = toImport(counts);
  if (count > 0) return `Import ${formatCount(count)} ${people(count)}`;
  return savesTemplate ? 'Save the template' : 'Import people';
}

/** The toast after an import: what it wrote, the template included. */
export function importedToast(counts: ImportCounts, template: string | null): string {
  if (template === null) return `${importedMessage(counts)}.`;
  if (toImport(counts) === 0) return `Saved the template “${template}”; nobody new to import.`;
  return `${importedMessage(counts)} and saved the template “${template}”.`;
}

/** The share of the source read so far, 0–100, when its size is known. */
export function percentRead(progress: ImportProgress | null): number | null {
  if (!progress || progress.bytes === null || !progress.total_bytes) return null;
  return Math.min(100, Math.max(0, Math.round((progress.bytes / progress.total_bytes) * 100)));
}

/** "12,500 rows read · 34 %" (the share only when the size is known). */
export function progressText(progress: ImportProgress | null, unit: RowUnit): string {
  const read = `${unitCount(unit, progress?.rows ?? 0)} read`;
  const percent = percentRead(progress);
  return percent === null ? read : `${read} · ${percent}%`;
}

/** The badge tone of each row class (app.css `tone-*`). */
export const ROW_CLASS_TONE: Record<RowClass, string> = {
  new: 'green',
  updated: 'blue',
  duplicate: 'gray',
  invalid: 'orange',
};
