// A <select> whose choice takes effect only once it is committed. A closed native select changes
// its value (and fires `change`) on every arrow key or typed letter; for a choice that saves (the
// incident's status) that would save, and maybe ask to confirm, once per key. Here a change made
// by such a browsing key waits until Enter or until focus leaves the select; a change made any
// other way (a click in the open menu) commits at once. Esc puts back the committed value.
import type { Attachment } from 'svelte/attachments';

/** Keys with which a closed select browses its options. */
export function isBrowsingKey(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  if (['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'].includes(event.key)) {
    return true;
  }
  // A typed letter jumps to the option it starts (type-ahead); Space opens the menu instead.
  return event.key.length === 1 && event.key !== ' ';
}

export interface SettledChoice {
  /** The value in effect (what the select shows when nothing is pending). */
  current: () => string;
  /** Called with the select once a different value is committed. */
  commit: (select: HTMLSelectElement) => void;
}

/** `{@attach settledChoice({ current, commit })}` on a `<select>`: see the top of this file. */
export function settledChoice({ current, commit }: SettledChoice): Attachment<HTMLSelectElement> {
  return (select) => {
    let browsing = false;
    let pending = false;
    const settle = () => {
      if (!pending) return;
      pending = false;
      if (select.value !== current()) commit(select);
    };
    const onkeydown = (event: KeyboardEvent) => {
      if (event.key === 'Enter') {
        if (pending) event.preventDefault();
        settle();
      } else if (event.key === 'Escape' && pending) {
        event.preventDefault();
        event.stopPropagation();
        pending = false;
        select.value = current();
      } else if (isBrowsingKey(event)) {
        // The select's own handling of the key fires `change` right after this listener.
        browsing = true;
        setTimeout(() => (browsing = false), 0);
      }
    };
    const onchange = (event: Event) => {
      event.stopImmediatePropagation();
      pending = true;
      if (!browsing) settle();
    };
    select.addEventListener('keydown', onkeydown);
    select.addEventListener('change', onchange);
    select.addEventListener('blur', settle);
    return () => {
      select.removeEventListener('keydown', onkeydown);
      select.removeEventListener('change', onchange);
      select.removeEventListener('blur', settle);
    };
  };
}
