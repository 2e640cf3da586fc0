import { describe, expect, it } from 'vitest';
import { assignField, importLabel, importedMessage, importedToast, mapsEmail, progressText, rowLabel, samplesOf, unitCount } from './mapping';

const counts = (added: number, updated: number, duplicate = 0, invalid = 0) => ({ new: added, updated, duplicate, invalid });

describe('the column mapping', () => {
  it('moves a field used by another column, which is then not imported', () => {
    expect(assignField(['name', 'email', null], 2, 'email')).toEqual(['name', null, 'email']);
    expect(assignField(['name', 'email', 'team'], 2, null)).toEqual(['name', 'email', null]);
    expect(assignField(['name', 'email', null], 1, 'email')).toEqual(['name', 'email', null]);
  });

  it('lets several columns feed the notes', () => {
    expect(assignField(['notes', 'email', null], 2, 'notes')).toEqual(['notes', 'email', 'notes']);
  });

  it('knows whether a column holds the email', () => {
    expect(mapsEmail(['name', null])).toBe(false);
    expect(mapsEmail(['name', 'email'])).toBe(true);
  });

  it('takes a column’s sample values, on one line, without the empty ones', () => {
    expect(samplesOf([['a', 'x\r\ny'], ['b', ''], ['c']], 1)).toEqual(['x y']);
  });
});

describe('the words of the import', () => {
  it('names rows, cards and addresses', () => {
    expect(rowLabel('row', 3)).toBe('Row 3');
    expect(rowLabel('card', 2)).toBe('Card 2');
    expect(rowLabel('address', 1200)).toBe('Address 1,200');
    expect(unitCount('address', 1)).toBe('1 address');
    expect(unitCount('card', 12000)).toBe('12,000 cards');
  });

  it('says what was imported', () => {
    expect(importedMessage(counts(5, 1))).toBe('Imported 5 new and 1 updated person');
    expect(importedMessage(counts(5, 2))).toBe('Imported 5 new and 2 updated people');
    expect(importedMessage(counts(1, 0))).toBe('Imported 1 new person');
    expect(importedMessage(counts(0, 3))).toBe('Updated 3 known people');
    expect(importedMessage(counts(0, 0, 4))).toBe('Nothing was imported');
  });

  it('labels the Import button with how many people it writes', () => {
    expect(importLabel(counts(4, 1, 7))).toBe('Import 5 people');
    expect(importLabel(counts(0, 1))).toBe('Import 1 person');
    expect(importLabel(counts(0, 0, 5, 1))).toBe('Import people');
    expect(importLabel(counts(0, 0, 5), true)).toBe('Save the template');
  });

  it('puts the saved template in the toast', () => {
    expect(importedToast(counts(2, 0), null)).toBe('Imported 2 new people.');
    expect(importedToast(counts(2, 0), 'mailmerge')).toBe('Imported 2 new people and saved the template “mailmerge”.');
    expect(importedToast(counts(0, 0, 3), 'mailmerge')).toBe('Saved the template “mailmerge”; nobody new to import.');
  });

  it('gives the rows read, and the share of the file when its size is known', () => {
    expect(progressText(null, 'row')).toBe('0 rows read');
    expect(progressText({ rows: 12500, bytes: 500, total_bytes: null }, 'row')).toBe('12,500 rows read');
    expect(progressText({ rows: 1, bytes: 250, total_bytes: 1000 }, 'card')).toBe('1 card read · 25%');
  });
});
