// Keyboard shortcut helpers.

/** Ctrl on Linux and Windows, Cmd on macOS. */
export function isMod(event: KeyboardEvent): boolean {
  return event.ctrlKey || event.metaKey;
}

/** True when keys typed now go into a text field (so single-key shortcuts must not fire). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}

/** Ctrl+S / Cmd+S. */
export function isSave(event: KeyboardEvent): boolean {
  return isMod(event) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 's';
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform ?? '');

/** "Ctrl" or "⌘", for hints. */
export const modLabel = isMac ? '⌘' : 'Ctrl';

/** The shortcuts the help sheet lists. */
export const SHORTCUTS: { keys: string[]; what: string }[] = [
  { keys: [modLabel, 'N'], what: 'New incident' },
  { keys: [modLabel, 'K'], what: 'Search the current list' },
  { keys: ['/'], what: 'Search the current list' },
  { keys: [modLabel, 'S'], what: 'Save the open form; on Reports, save the report' },
  { keys: ['Esc'], what: 'Close a dialog or cancel a form; stop a running import or preview' },
  { keys: [modLabel, 'Z'], what: 'Undo the last deletion (outside text fields)' },
  { keys: ['↑', '↓', 'Enter'], what: 'Pick a person in the quick-add suggestions' },
  { keys: ['↓'], what: 'From a search box into its results (↑ from the first goes back)' },
  { keys: ['Alt', '←'], what: 'Back' },
  { keys: ['?'], what: 'Show these shortcuts' },
];
