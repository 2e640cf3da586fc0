import { describe, expect, it } from 'vitest';
import {
  cssString,
  foldText,
  formatBytes,
  formatCount,
  formatDate,
  hasAllWords,
  hue,
  initials,
  plural,
  searchWords,
} from './format';
import { toggle } from './filters.svelte';

describe('format', () => {
  it('writes file sizes the way file managers do', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(812)).toBe('812 bytes');
    expect(formatBytes(1000)).toBe('1 KB');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(12_345)).toBe('12 KB');
    expect(formatBytes(999_999)).toBe('1 MB');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(formatBytes(3_400_000_000)).toBe('3.4 GB');
  });

  it('shows ISO dates as day month year without shifting the day', () => {
    expect(formatDate('2026-11-03')).toBe('3 Nov 2026');
    expect(formatDate('2026-01-31T23:30:00Z')).toBe('31 Jan 2026');
    expect(formatDate('')).toBe('');
    expect(formatDate(null)).toBe('');
    expect(formatDate('soon')).toBe('soon');
  });

  it('makes initials and plurals', () => {
    expect(initials('Jane Whitfield')).toBe('JW');
    expect(initials('  mary ann  de la cruz ')).toBe('MC');
    expect(initials('Cher')).toBe('C');
    expect(initials('')).toBe('?');
    expect(plural(1, 'person', 'people')).toBe('1 person');
    expect(plural(3, 'contribution')).toBe('3 contributions');
    expect(plural(5000, 'person', 'people')).toBe('5,000 people');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('picks the same avatar colour for the same email', () => {
    expect(hue('jane@corp.com')).toBe(hue('jane@corp.com'));
    expect(hue('jane@corp.com')).toBeGreaterThanOrEqual(0);
    expect(hue('jane@corp.com')).toBeLessThan(8);
  });
});

describe('toggle', () => {
  it('adds and removes a value, keeping the declared order', () => {
    const order = ['open', 'investigating', 'closed'] as const;
    expect(toggle([], 'closed', order)).toEqual(['closed']);
    expect(toggle(['closed'], 'open', order)).toEqual(['open', 'closed']);
    expect(toggle(['open', 'closed'], 'open', order)).toEqual(['closed']);
  });
});

describe('cssString', () => {
  it('quotes ids for attribute selectors', () => {
    expect(cssString('01JAB')).toBe('01JAB');
    expect(cssString('a"b\\c')).toBe('a\\"b\\\\c');
    const div = document.createElement('div');
    div.setAttribute('data-id', 'x"y\\z');
    document.body.append(div);
    expect(document.querySelector(`[data-id="${cssString('x"y\\z')}"]`)).toBe(div);
  });
});

describe('searchWords and hasAllWords', () => {
  const matches = (haystack: string, query: string) => hasAllWords(foldText(haystack), searchWords(query));
  it('finds every word in any order, ignoring case and accents', () => {
    expect(matches('María López maria@corp.example Corp', 'lopez maria')).toBe(true);
    expect(matches('María López', 'LÓPEZ')).toBe(true);
    expect(matches('María López', 'maria smith')).toBe(false);
    expect(matches('anything', '   ')).toBe(true);
  });

  it('splits a query into folded words once, for text folded once', () => {
    expect(searchWords('  Zoë   ÅNGSTRÖM ')).toEqual(['zoe', 'angstrom']);
    expect(searchWords(' ')).toEqual([]);
    const folded = foldText('Zoë Ångström zoe@fabrikam.example');
    expect(hasAllWords(folded, searchWords('angstrom ZOE'))).toBe(true);
    expect(hasAllWords(folded, searchWords('zoe contoso'))).toBe(false);
  });
});
