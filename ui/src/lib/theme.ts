// Light/dark theme: the preference (system, light, dark) resolved against the OS setting and
// applied as <html data-theme="…">, which the CSS variables in app.css key on.

import type { Theme } from './bindings';

export type Resolved = 'light' | 'dark';

export function resolveTheme(preference: Theme | null | undefined, systemPrefersDark: boolean): Resolved {
  if (preference === 'light' || preference === 'dark') return preference;
  return systemPrefersDark ? 'dark' : 'light';
}

const query = '(prefers-color-scheme: dark)';

function systemPrefersDark(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia(query).matches
    : false;
}

let stopFollowing: (() => void) | null = null;

/** Applies `preference` now and, for `system`, follows the OS setting until called again. */
export function applyTheme(preference: Theme, root: HTMLElement = document.documentElement): Resolved {
  stopFollowing?.();
  stopFollowing = null;
  const resolved = resolveTheme(preference, systemPrefersDark());
  root.dataset.theme = resolved;
  root.dataset.themePreference = preference;
  if (preference === 'system' && typeof window.matchMedia === 'function') {
    const media = window.matchMedia(query);
    const follow = (event: MediaQueryListEvent) => {
      root.dataset.theme = event.matches ? 'dark' : 'light';
    };
    media.addEventListener('change', follow);
    stopFollowing = () => media.removeEventListener('change', follow);
  }
  return resolved;
}
