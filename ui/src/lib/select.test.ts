import { describe, expect, it, vi } from 'vitest';
import { settledChoice } from './select';

/** A status select as the incident screen has it, with `current` as the saved value. */
function statusSelect() {
  const select = document.createElement('select');
  select.innerHTML = '<option value="open">Open</option><option value="investigating">Investigating</option><option value="closed">Closed</option>';
  document.body.appendChild(select);
  let saved = 'open';
  select.value = saved;
  const commit = vi.fn((element: HTMLSelectElement) => {
    saved = element.value;
  });
  const detach = settledChoice({ current: () => saved, commit })(select);
  return { select, commit, detach: detach as () => void };
}

/** What a closed select does on a browsing key: the key, then its value moves and `change` fires. */
function browse(select: HTMLSelectElement, key: string, value: string) {
  select.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('a select that saves only a committed choice', () => {
  it('does not save on arrow keys or typed letters; Enter saves the last one', () => {
    const { select, commit } = statusSelect();
    browse(select, 'ArrowDown', 'investigating');
    browse(select, 'c', 'closed');
    expect(commit).not.toHaveBeenCalled();
    select.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(commit).toHaveBeenCalledTimes(1);
    expect(commit.mock.calls[0]?.[0].value).toBe('closed');
  });

  it('saves a browsed choice when focus leaves, and nothing when it came back to the saved value', () => {
    const { select, commit } = statusSelect();
    browse(select, 'ArrowDown', 'investigating');
    browse(select, 'ArrowUp', 'open');
    select.dispatchEvent(new FocusEvent('blur'));
    expect(commit).not.toHaveBeenCalled();
    browse(select, 'ArrowDown', 'investigating');
    select.dispatchEvent(new FocusEvent('blur'));
    expect(commit).toHaveBeenCalledTimes(1);
  });

  it('saves a choice picked in the open menu at once, and Esc puts back the saved value', async () => {
    const { select, commit } = statusSelect();
    browse(select, 'ArrowDown', 'investigating');
    select.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(select.value).toBe('open');
    select.dispatchEvent(new FocusEvent('blur'));
    expect(commit).not.toHaveBeenCalled();

    await new Promise((done) => setTimeout(done, 0));
    select.value = 'closed';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    expect(commit).toHaveBeenCalledTimes(1);
  });
});
