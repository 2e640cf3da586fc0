import { describe, expect, it } from 'vitest';
import { comboboxAttributes, optionId, resultStep, searchResults, stepHighlight } from './listbox';

function key(name: string): KeyboardEvent {
  return new KeyboardEvent('keydown', { key: name, cancelable: true });
}

describe('listbox wiring', () => {
  it('names options after their listbox', () => {
    expect(optionId('people', 2)).toBe('people-2');
  });

  it('points the combobox at the highlighted option only while open', () => {
    expect(comboboxAttributes('people', true, 1)).toMatchObject({
      role: 'combobox',
      'aria-expanded': true,
      'aria-controls': 'people',
      'aria-activedescendant': 'people-1',
    });
    expect(comboboxAttributes('people', false, 1)['aria-activedescendant']).toBeUndefined();
  });

  it('moves with the arrows, round the ends', () => {
    const down = key('ArrowDown');
    expect(stepHighlight(down, 2, 3)).toBe(0);
    expect(down.defaultPrevented).toBe(true);
    expect(stepHighlight(key('ArrowUp'), 0, 3)).toBe(2);
    expect(stepHighlight(key('ArrowDown'), 0, 3)).toBe(1);
  });

  it('leaves other keys and empty lists alone', () => {
    const enter = key('Enter');
    expect(stepHighlight(enter, 0, 3)).toBeNull();
    expect(enter.defaultPrevented).toBe(false);
    const down = key('ArrowDown');
    expect(stepHighlight(down, 0, 0)).toBeNull();
    expect(down.defaultPrevented).toBe(false);
  });
});

describe('from a search box into its results', () => {
  it('steps with the arrow keys, back to the box from the first result', () => {
    expect(resultStep('ArrowDown', -1, 3)).toBe(0);
    expect(resultStep('ArrowUp', -1, 3)).toBeNull();
    expect(resultStep('ArrowDown', 0, 3)).toBe(1);
    expect(resultStep('ArrowDown', 2, 3)).toBe(2);
    expect(resultStep('ArrowUp', 2, 3)).toBe(1);
    expect(resultStep('ArrowUp', 0, 3)).toBe('search');
    expect(resultStep('End', 0, 3)).toBe(2);
    expect(resultStep('Home', 2, 3)).toBe(0);
    expect(resultStep('ArrowDown', -1, 0)).toBeNull();
    expect(resultStep('a', 1, 3)).toBeNull();
  });

  it('moves focus through a real list and leaves other keys alone', () => {
    const root = document.createElement('div');
    root.innerHTML = `<input data-focus="list" /><a href="#/a" data-result>A</a><a href="#/b" data-result>B</a>`;
    document.body.appendChild(root);
    const stop = searchResults(root);
    const [search, first, second] = [root.querySelector('input'), ...root.querySelectorAll('a')] as HTMLElement[];
    const press = (target: HTMLElement | undefined, name: string) => {
      const event = new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true });
      target?.dispatchEvent(event);
      return event.defaultPrevented;
    };
    search?.focus();
    expect(press(search, 'ArrowDown')).toBe(true);
    expect(document.activeElement).toBe(first);
    press(first, 'ArrowDown');
    expect(document.activeElement).toBe(second);
    press(second, 'ArrowUp');
    press(first, 'ArrowUp');
    expect(document.activeElement).toBe(search);
    expect(press(search, 'x')).toBe(false);
    stop();
    expect(press(search, 'ArrowDown')).toBe(false);
    root.remove();
  });
});

describe('results that are not links', () => {
  it('Enter picks a result that is a radio (the merge dialog’s candidates)', () => {
    const root = document.createElement('form');
    root.innerHTML = `<input data-focus="list" /><input type="radio" name="d" value="a" data-result /><input type="radio" name="d" value="b" data-result />`;
    document.body.appendChild(root);
    const stop = searchResults(root);
    const [search, a, b] = Array.from(root.querySelectorAll('input'));
    search?.focus();
    search?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    a?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    expect(document.activeElement).toBe(b);
    expect(b?.checked).toBe(false);
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    b?.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(true);
    expect(b?.checked).toBe(true);
    stop();
    root.remove();
  });
});
