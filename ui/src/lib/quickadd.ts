// Text helpers for the quick-add line "jane@corp.com — proxy logs 1–3 Nov": where the "who" part
// ends, what is being typed there (for the people autocomplete), and putting a chosen email in.
// The backend parses the line for real (preview_quick_add, quick_add); these only drive typing.

/**
 * Separators between who and what, as the backend accepts them (core/src/quick_add.rs): the
 * earliest in the line wins. None of them can occur inside an email address, so a hyphen in
 * `a-b@x.com` is never one, and an address may stand anywhere in the who part.
 */
export const SEPARATORS = [' — ', '—', ' – ', '–', ' -- ', ' - ', ':'] as const;

/** What the UI inserts after a chosen person. */
export const INSERTED_SEPARATOR = ' — ';

export interface Separator {
  index: number;
  length: number;
}

/** The earliest separator in `text` (on a tie, the longest), or null. */
export function findSeparator(text: string): Separator | null {
  let best: Separator | null = null;
  for (const sep of SEPARATORS) {
    const index = text.indexOf(sep);
    if (index >= 0 && (best === null || index < best.index || (index === best.index && sep.length > best.length))) {
      best = { index, length: sep.length };
    }
  }
  return best;
}

export interface WhoQuery {
  /** The text to search people with. */
  query: string;
  /** Where the who part ends in the line. */
  end: number;
}

/**
 * When the caret is in the who part, what the person is typing there (to search people with);
 * otherwise null. In `Jane Doe <jane@` the query is what follows the `<`.
 */
export function whoQuery(text: string, caret: number = text.length): WhoQuery | null {
  const sep = findSeparator(text);
  const end = sep ? sep.index : text.length;
  if (caret > end) return null;
  let who = text.slice(0, end);
  const open = who.lastIndexOf('<');
  if (open >= 0) who = who.slice(open + 1).replace('>', '');
  const query = who.trim();
  return query ? { query, end } : null;
}

/** True once a separator has been typed (the autocomplete then steps aside). */
export function hasSeparator(text: string): boolean {
  return findSeparator(text) !== null;
}

/**
 * Replaces the who part with `email` followed by ` — `, keeping anything already written after
 * the separator. Returns the new line and where the caret goes (the start of the what part).
 */
export function insertEmail(text: string, email: string): { text: string; caret: number } {
  const sep = findSeparator(text);
  const rest = sep ? text.slice(sep.index + sep.length).trimStart() : '';
  const head = `${email}${INSERTED_SEPARATOR}`;
  return { text: head + rest, caret: head.length };
}

/** A display-name guess from an address (`jane.doe@corp.com` → `Jane Doe`), for a placeholder. */
export function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? '';
  return local
    .split(/[._\-+]+/)
    .filter((part) => part && !/^\d+$/.test(part))
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join(' ');
}

/** The line that credits one chosen person by email: `Maria Lopez <maria@corp.com> — what`. */
export function candidateLine(person: { name: string; email: string }, what: string): string {
  return `${person.name} <${person.email}>${INSERTED_SEPARATOR}${what}`;
}

/** The non-blank lines of a block of text, trimmed. */
export function nonBlankLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** True when `text` holds more than one non-blank line (a pasted block, one contribution a line). */
export function isMultiLine(text: string): boolean {
  return nonBlankLines(text).length > 1;
}

/**
 * The block without the lines numbered in `done` (1-based, counting blank lines, as the backend
 * numbers them), blank lines dropped: what is left in the box after adding.
 */
export function withoutLines(text: string, done: ReadonlySet<number>): string {
  return text
    .split(/\r\n|\r|\n/)
    .filter((line, i) => !done.has(i + 1) && line.trim().length > 0)
    .join('\n');
}
