import { describe, expect, it } from 'vitest';
import {
  candidateLine,
  findSeparator,
  hasSeparator,
  insertEmail,
  isMultiLine,
  nameFromEmail,
  nonBlankLines,
  whoQuery,
  withoutLines,
} from './quickadd';

describe('findSeparator', () => {
  it('finds each separator the backend accepts', () => {
    expect(findSeparator('jane@corp.com — logs')).toEqual({ index: 13, length: 3 });
    expect(findSeparator('jane@corp.com—logs')).toEqual({ index: 13, length: 1 });
    expect(findSeparator('jane@corp.com – logs')).toEqual({ index: 13, length: 3 });
    expect(findSeparator('jane@corp.com - logs')).toEqual({ index: 13, length: 3 });
    expect(findSeparator('jane@corp.com: logs')).toEqual({ index: 13, length: 1 });
  });

  it('does not take a hyphen inside the address for a separator', () => {
    expect(findSeparator('a-b@x-y.com')).toBeNull();
    expect(findSeparator('a-b@x-y.com – dns-logs')?.index).toBe(11);
  });

  it('accepts what the backend accepts: a bare name, a colon, an email anywhere in the who part', () => {
    expect(findSeparator('maria lopez - forwarded two more samples')).toEqual({ index: 11, length: 3 });
    expect(findSeparator('Kevin Nguyen kevin@corp.com: pcap')).toEqual({ index: 27, length: 1 });
    expect(findSeparator('Jane (jane@corp.com) - logs')).toEqual({ index: 20, length: 3 });
    expect(findSeparator('Jane -- logs')).toEqual({ index: 4, length: 4 });
    // The earliest separator wins, even when the what part holds an address.
    expect(findSeparator('Maria - mailed bob@x.com the list')?.index).toBe(5);
    expect(whoQuery('Jane (jane@corp.com) - logs', 3)).toEqual({ query: 'Jane (jane@corp.com)', end: 20 });
  });

  it('is null while only the who part has been typed', () => {
    expect(findSeparator('Jane Wh')).toBeNull();
    expect(hasSeparator('jane@corp.com -')).toBe(false);
    expect(hasSeparator('jane@corp.com - ')).toBe(true);
  });
});

describe('whoQuery', () => {
  it('is what is typed before any separator', () => {
    expect(whoQuery('  jan')).toEqual({ query: 'jan', end: 5 });
    expect(whoQuery('jane@co')).toEqual({ query: 'jane@co', end: 7 });
  });

  it('is the address part of "Name <address"', () => {
    expect(whoQuery('Jane Doe <jane@')?.query).toBe('jane@');
    expect(whoQuery('Jane Doe <jane@corp.com>')?.query).toBe('jane@corp.com');
  });

  it('is null when the caret is in the what part, or nothing is typed', () => {
    const line = 'jane@corp.com — proxy logs';
    expect(whoQuery(line, line.length)).toBeNull();
    expect(whoQuery(line, 4)).toEqual({ query: 'jane@corp.com', end: 13 });
    expect(whoQuery('   ')).toBeNull();
  });
});

describe('insertEmail', () => {
  it('replaces the typed who part with the email and a dash, caret after it', () => {
    expect(insertEmail('jan', 'jane@corp.com')).toEqual({ text: 'jane@corp.com — ', caret: 16 });
  });

  it('keeps what was already written after the separator', () => {
    const result = insertEmail('jane@c — proxy logs 1–3 Nov', 'jane@corp.com');
    expect(result.text).toBe('jane@corp.com — proxy logs 1–3 Nov');
    expect(result.caret).toBe('jane@corp.com — '.length);
  });
});

describe('nameFromEmail', () => {
  it('guesses a display name from the local part', () => {
    expect(nameFromEmail('jane.doe@corp.com')).toBe('Jane Doe');
    expect(nameFromEmail('MARK_o-neil+soc@x.org')).toBe('Mark O Neil Soc');
    expect(nameFromEmail('ops42@x.org')).toBe('Ops42');
    expect(nameFromEmail('')).toBe('');
  });
});

describe('candidateLine', () => {
  it('credits the chosen person by email, keeping the what', () => {
    expect(candidateLine({ name: 'Maria Lopez', email: 'maria@corp.com' }, 'forwarded samples')).toBe(
      'Maria Lopez <maria@corp.com> — forwarded samples',
    );
  });
});

describe('pasted blocks', () => {
  it('counts non-blank lines', () => {
    expect(nonBlankLines('  a - b \r\n\n c: d\n')).toEqual(['a - b', 'c: d']);
    expect(isMultiLine('a - b\n')).toBe(false);
    expect(isMultiLine('a - b\n\nc - d')).toBe(true);
  });

  it('drops the added lines by their 1-based number, blank lines counted', () => {
    expect(withoutLines('a - b\n\nc - d\ne - f', new Set([1, 4]))).toBe('c - d');
    expect(withoutLines('a - b\nc - d', new Set([1, 2]))).toBe('');
  });
});
