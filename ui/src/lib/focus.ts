// Where focus lands when a screen changes, decided in one place so every screen behaves alike:
// arriving on a screen focuses its main heading (so a screen reader announces where you are and
// Tab continues from the top of the content), unless the action that led there says where the
// work continues: `primary` (the screen's main field, e.g. a new incident's quick-add line) or
// `list` (the list's search box, e.g. after deleting one of its items).

/** Where focus should go on arrival. */
export type FocusIntent = 'heading' | 'primary' | 'list';

/** Marks an element as the target of an intent: `data-focus="primary"` or `data-focus="list"`. */
export const FOCUS_ATTRIBUTE = 'data-focus';

/**
 * The element to focus inside `root` for `intent`, once the screen has drawn its heading (before
 * that, the screen is still loading: null). The intent's target when present, else the heading.
 */
export function arrivalTarget(root: ParentNode, intent: FocusIntent): HTMLElement | null {
  const heading = root.querySelector<HTMLElement>('h1');
  if (!heading) return null;
  if (intent !== 'heading') {
    const marked = root.querySelector<HTMLElement>(`[${FOCUS_ATTRIBUTE}="${intent}"]`);
    if (marked && !isDisabled(marked)) return marked;
  }
  return heading;
}

function isDisabled(element: HTMLElement): boolean {
  return (element as HTMLInputElement).disabled === true;
}

/** Focuses `element`; a heading gets tabindex -1 first so it can take focus without joining Tab. */
export function focusElement(element: HTMLElement): void {
  if (element.tabIndex < 0 && !element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus({ preventScroll: element.tagName === 'H1' });
}

/**
 * Moves focus into `root` for a screen just arrived at, as soon as the screen has drawn (screens
 * load their data first), giving up after `timeoutMs`. It also gives up as soon as the person
 * acts (a key, a click) or a dialog is open: their own choice of focus wins. Returns a function
 * that stops waiting.
 */
export function focusOnArrival(root: HTMLElement, intent: FocusIntent, timeoutMs = 5000): () => void {
  let done = false;
  const stop = () => {
    if (done) return;
    done = true;
    observer.disconnect();
    clearTimeout(timer);
    window.removeEventListener('keydown', stop, true);
    window.removeEventListener('pointerdown', stop, true);
  };
  const attempt = () => {
    if (done) return;
    if (document.querySelector('dialog[open]')) return;
    const target = arrivalTarget(root, intent);
    if (!target) return;
    stop();
    focusElement(target);
  };
  const observer = new MutationObserver(attempt);
  const timer = setTimeout(stop, timeoutMs);
  observer.observe(root, { childList: true, subtree: true });
  window.addEventListener('keydown', stop, true);
  window.addEventListener('pointerdown', stop, true);
  attempt();
  return stop;
}

/**
 * After the element at `index` of a list was removed: the element to focus among the `items`
 * that remain (the one that took its place, else the new last one), or null when none is left.
 */
export function neighbourAfterRemoval<T>(items: readonly T[], index: number): T | null {
  if (items.length === 0) return null;
  return items[Math.min(Math.max(index, 0), items.length - 1)] ?? null;
}

/**
 * Gives focus back to `opener` once a dialog has closed. Waits a microtask so that whatever the
 * closing caused (a screen change that removes the opener, another dialog) is in place first;
 * does nothing when the opener is gone, sits behind another open dialog, or focus was already put
 * somewhere on purpose.
 */
export function restoreFocus(opener: HTMLElement | null): void {
  if (!opener) return;
  queueMicrotask(() => {
    if (!opener.isConnected) return;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    const open = document.querySelector('dialog[open]');
    if (open && !open.contains(opener)) return;
    opener.focus();
  });
}
