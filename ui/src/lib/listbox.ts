// The wiring shared by the people autocompletes (the quick-add line, the person picker): a text
// input as an ARIA combobox over a listbox of suggestions, moved through with ↑/↓.
import type { HTMLInputAttributes } from 'svelte/elements';

/** The id of the listbox's option at `index`, for aria-activedescendant. */
export function optionId(listboxId: string, index: number): string {
  return `${listboxId}-${index}`;
}

/** The attributes that make a text input the combobox of the listbox `listboxId`. */
export function comboboxAttributes(listboxId: string, open: boolean, highlighted: number): HTMLInputAttributes {
  return {
    role: 'combobox',
    'aria-expanded': open,
    'aria-controls': listboxId,
    'aria-autocomplete': 'list',
    'aria-activedescendant': open ? optionId(listboxId, highlighted) : undefined,
    autocomplete: 'off',
    spellcheck: 'false',
  };
}

/**
 * ↑/↓ in an open list of `count` options: the next highlighted index, round the ends, with the
 * key's default prevented. Any other key, or an empty list: null, and the event is left alone.
 */
export function stepHighlight(event: KeyboardEvent, highlighted: number, count: number): number | null {
  const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
  if (step === 0 || count === 0) return null;
  event.preventDefault();
  return (highlighted + step + count) % count;
}

/** Marks the search box of a list (also where focus goes after one of its items is deleted). */
export const LIST_SEARCH_SELECTOR = '[data-focus="list"]';
/** Marks each result of a list that ↑/↓ move between. */
export const RESULT_ATTRIBUTE = 'data-result';

/**
 * Where a key moves focus in a search box's results: from the box (`index` -1) ↓ goes to the
 * first result; among results ↑/↓ step (staying at the last), Home/End jump, and ↑ from the first
 * goes back to the box ('search'). Null: the key does not move focus.
 */
export function resultStep(key: string, index: number, count: number): number | 'search' | null {
  if (count === 0) return null;
  if (index < 0) return key === 'ArrowDown' ? 0 : null;
  switch (key) {
    case 'ArrowDown':
      return Math.min(index + 1, count - 1);
    case 'ArrowUp':
      return index === 0 ? 'search' : index - 1;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * `{@attach searchResults}` on an element holding a list's search box (`data-focus="list"`) and
 * its results (`data-result`): arrow keys move from the box into the results and between them
 * (see `resultStep`); Enter opens a result (links and buttons do that themselves).
 */
export function searchResults(root: HTMLElement): () => void {
  const onkeydown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (!(event.target instanceof HTMLElement)) return;
    const results = Array.from(root.querySelectorAll<HTMLElement>(`[${RESULT_ATTRIBUTE}]`));
    const search = root.querySelector<HTMLElement>(LIST_SEARCH_SELECTOR);
    const current = event.target.closest<HTMLElement>(`[${RESULT_ATTRIBUTE}]`);
    const index = current ? results.indexOf(current) : event.target === search ? -1 : null;
    if (index === null) return;
    if (event.key === 'Enter' && current && event.target === current && !isActivatable(current)) {
      event.preventDefault();
      current.click();
      return;
    }
    const step = resultStep(event.key, index, results.length);
    if (step === null) return;
    const next = step === 'search' ? search : results[step];
    if (!next) return;
    event.preventDefault();
    next.focus();
  };
  root.addEventListener('keydown', onkeydown);
  return () => root.removeEventListener('keydown', onkeydown);
}

function isActivatable(element: HTMLElement): boolean {
  return element instanceof HTMLAnchorElement || element instanceof HTMLButtonElement;
}
