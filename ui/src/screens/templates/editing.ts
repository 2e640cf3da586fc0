// Text helpers for the template editor: where a (line, column) is in the text, what clicking a
// variable inserts, and where a tone finding's words are in the template as written.

import type { TemplateError } from '../../lib/types';

/**
 * The UTF-16 offset of a 1-based `line` and `column` (columns count characters, as the backend
 * does, so an emoji is one column). Out-of-range positions are clamped to the text.
 */
export function offsetAt(text: string, line: number, column: number): number {
  const { start, end } = lineRange(text, line);
  let offset = start;
  for (let col = 1; col < Math.max(1, column) && offset < end; col += 1) {
    const code = text.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff && offset + 1 < end ? 2 : 1;
  }
  return offset;
}

/** The UTF-16 range of a 1-based line, without its line break; clamped to the first/last line. */
export function lineRange(text: string, line: number): { start: number; end: number } {
  let start = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf('\n', start);
    if (next === -1) break;
    start = next + 1;
  }
  const newline = text.indexOf('\n', start);
  return { start, end: newline === -1 ? text.length : newline };
}

/** The 1-based line and column (in characters) of a UTF-16 offset, for the editor's status bar. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const column = Array.from(before.slice(lineStart)).length + 1;
  return { line, column };
}

/** "Line 3, column 5: message", as the editor shows a template error. */
export function describeProblem(problem: TemplateError): string {
  return `Line ${problem.line}, column ${problem.column}: ${problem.message}`;
}

/** The loop variable each list is written with in the documentation (`c`, `s`). */
const LOOP_NAMES: Record<string, string> = { contributions: 'c', outcome: 's' };

function loopName(list: string): string {
  return LOOP_NAMES[list] ?? (list.charAt(0).toLowerCase() || 'item');
}

/**
 * What clicking a variable inserts: `{{ person.name }}`; an item of a list (`contributions[].what`)
 * as it is written inside its loop (`{{ c.what }}`); a whole list as a loop to fill in. `oneLine`
 * (for the subject) keeps a loop on one line.
 */
export function variableSnippet(name: string, oneLine = false): string {
  const item = /^(\w+)\[\]\.(.+)$/.exec(name);
  if (item) return `{{ ${loopName(item[1]!)}.${item[2]} }}`;
  if (name === 'contributions') {
    return oneLine
      ? '{% for c in contributions %}{{ c.what }}{% if not loop.last %}, {% endif %}{% endfor %}'
      : '{% for c in contributions -%}\n- {{ c.what }}{% if c.impact %}: {{ c.impact }}{% endif %}\n{% endfor %}';
  }
  if (name === 'outcome') {
    return oneLine
      ? '{% for s in outcome %}{{ s.heading }}{% if not loop.last %}, {% endif %}{% endfor %}'
      : '{% for s in outcome -%}\n### {{ s.heading }} **{{ s.tlp_label }}**\n\n{{ s.text }}\n\n{% endfor %}';
  }
  return `{{ ${name} }}`;
}

/** `text` with `inserted` replacing `start…end`, and where the caret goes after it. */
export function insertInto(
  text: string,
  start: number,
  end: number,
  inserted: string,
): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + inserted + text.slice(to), caret: from + inserted.length };
}

/**
 * Where a tone finding's words are in the template as written (its offsets are into the filled-in
 * text, which differs): the first exact match, else the first match ignoring case. Null when the
 * words come from a variable's sample value.
 */
export function findExcerpt(text: string, excerpt: string): { start: number; end: number } | null {
  const wanted = excerpt.trim();
  if (!wanted) return null;
  let start = text.indexOf(wanted);
  if (start === -1) start = text.toLowerCase().indexOf(wanted.toLowerCase());
  return start === -1 ? null : { start, end: start + wanted.length };
}
