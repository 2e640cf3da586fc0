import { describe, expect, it } from 'vitest';
import { comboboxAttributes, optionId, stepHighlight } from './listbox';

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
