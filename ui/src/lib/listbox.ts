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
