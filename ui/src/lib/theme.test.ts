import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyTheme, resolveTheme } from './theme';

describe('resolveTheme', () => {
  it('uses an explicit choice whatever the system says', () => {
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('follows the system for "system" and when nothing is saved', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme(null, true)).toBe('dark');
    expect(resolveTheme(undefined, false)).toBe('light');
  });
});

describe('applyTheme', () => {
  const original = window.matchMedia;
  afterEach(() => {
    window.matchMedia = original;
  });

  function fakeMedia(dark: boolean) {
    const listeners: ((e: MediaQueryListEvent) => void)[] = [];
    const media = {
      matches: dark,
      addEventListener: (_: string, l: (e: MediaQueryListEvent) => void) => listeners.push(l),
      removeEventListener: (_: string, l: (e: MediaQueryListEvent) => void) =>
        listeners.splice(listeners.indexOf(l), 1),
    };
    window.matchMedia = vi.fn(() => media) as unknown as typeof window.matchMedia;
    return listeners;
  }

  it('sets data-theme on the root and follows system changes only for "system"', () => {
    const listeners = fakeMedia(true);
    const root = document.documentElement;
    expect(applyTheme('system', root)).toBe('dark');
    expect(root.dataset.theme).toBe('dark');
    expect(listeners).toHaveLength(1);
    listeners[0]!({ matches: false } as MediaQueryListEvent);
    expect(root.dataset.theme).toBe('light');

    expect(applyTheme('dark', root)).toBe('dark');
    expect(root.dataset.theme).toBe('dark');
    expect(listeners).toHaveLength(0);
  });
});
