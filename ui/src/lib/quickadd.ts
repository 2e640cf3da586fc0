// Text helpers for the quick-add line "jane@corp.com — proxy logs 1–3 Nov": where the "who" part
// ends, what is being typed there (for the people autocomplete), and putting a chosen email in.
// The backend parses the line for real (preview_quick_add, quick_add); these only drive typing.

/** Separators between who and what, as the backend accepts them. */
export const SEPARATORS = [' — ', '—', ' – ', '–', ' - ', ':', ' -- '] as const;

/** What the UI inserts after a chosen person. */
export const INSERTED_SEPARATOR = ' — ';

export interface Separator {
  index: number;
  length: number;
}

/**
 * The first separator in `text`. Like the backend, once an `@` has been typed only separators
 * after it count, so a hyphen in `a-b@x.com` is not mistaken for one.
 */
export function findSeparator(text: string): Separator | null {
  const from = Math.max(0, text.indexOf('@'));
  let best: Separator | null = null;
  for (const sep of SEPARATORS) {
    const index = text.indexOf(sep, from);
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
