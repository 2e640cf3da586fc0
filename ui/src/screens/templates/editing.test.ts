import { describe, expect, it } from 'vitest';
import { describeProblem, findExcerpt, insertInto, lineRange, offsetAt, positionOf, variableSnippet } from './editing';

describe('template editing helpers', () => {
  const text = 'Hi {{ person.first_name }},\n\n🙂 thanks {{ oops }}\nend';

  it('finds a line and column, counting characters as the backend does', () => {
    expect(offsetAt(text, 1, 1)).toBe(0);
    expect(offsetAt(text, 1, 4)).toBe(3);
    expect(offsetAt(text, 2, 1)).toBe(text.indexOf('\n') + 1);
    // The emoji is one column but two UTF-16 units.
    const line3 = text.indexOf('🙂');
    expect(offsetAt(text, 3, 2)).toBe(line3 + 2);
    expect(offsetAt(text, 3, 10)).toBe(text.indexOf('{{ oops'));
    // Beyond the line or the text: clamped.
    expect(offsetAt(text, 4, 99)).toBe(text.length);
    expect(offsetAt(text, 99, 1)).toBe(text.lastIndexOf('\n') + 1);
    expect(lineRange(text, 3)).toEqual({ start: line3, end: text.lastIndexOf('\n') });
  });

  it('reads the caret position back as line and column', () => {
    expect(positionOf(text, 0)).toEqual({ line: 1, column: 1 });
    expect(positionOf(text, text.indexOf('{{ oops'))).toEqual({ line: 3, column: 10 });
    expect(positionOf(text, text.length)).toEqual({ line: 4, column: 4 });
  });

  it('describes a mistake as "Line L, column C: message"', () => {
    expect(describeProblem({ part: 'body', line: 3, column: 11, message: 'unknown variable' })).toBe(
      'Line 3, column 11: unknown variable',
    );
  });

  it('writes variables as they are used', () => {
    expect(variableSnippet('person.first_name')).toBe('{{ person.first_name }}');
    expect(variableSnippet('contributions[].what')).toBe('{{ c.what }}');
    expect(variableSnippet('outcome[].tlp_label')).toBe('{{ s.tlp_label }}');
    expect(variableSnippet('contributions')).toContain('{% for c in contributions -%}\n');
    expect(variableSnippet('outcome', true)).not.toContain('\n');
    expect(variableSnippet('outcome')).toContain('{{ s.tlp_label }}');
  });

  it('inserts at the cursor, replacing a selection', () => {
    expect(insertInto('Hi ,', 3, 3, '{{ x }}')).toEqual({ text: 'Hi {{ x }},', caret: 10 });
    expect(insertInto('Hi there,', 3, 8, '{{ x }}')).toEqual({ text: 'Hi {{ x }},', caret: 10 });
    expect(insertInto('ab', 9, 9, 'c')).toEqual({ text: 'abc', caret: 3 });
  });

  it('finds a tone finding’s words in the template as written, if they are there', () => {
    expect(findExcerpt('You were careless.', 'careless')).toEqual({ start: 9, end: 17 });
    expect(findExcerpt('You were Careless.', 'careless')).toEqual({ start: 9, end: 17 });
    expect(findExcerpt('Hi {{ person.first_name }}', 'Hi Priya')).toBeNull();
    expect(findExcerpt('anything', '  ')).toBeNull();
  });
});
