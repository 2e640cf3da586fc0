import { describe, expect, it } from 'vitest';
import { href, parseHash, sectionOf, type Route } from './router.svelte';

describe('router', () => {
  it('reads every screen from the hash', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/')).toEqual({ name: 'home' });
    expect(parseHash('#/welcome')).toEqual({ name: 'welcome' });
    expect(parseHash('#/incidents')).toEqual({ name: 'incidents' });
    expect(parseHash('#/incidents/01J9')).toEqual({ name: 'incident', id: '01J9' });
    expect(parseHash('#/people/')).toEqual({ name: 'people' });
    expect(parseHash('#/people/p%2F1')).toEqual({ name: 'person', id: 'p/1' });
    expect(parseHash('#/settings')).toEqual({ name: 'settings' });
    expect(parseHash('#/nowhere')).toEqual({ name: 'home' });
    expect(parseHash('#/incidents/a/b')).toEqual({ name: 'home' });
  });

  it('writes hashes that read back to the same route', () => {
    const routes: Route[] = [
      { name: 'welcome' },
      { name: 'incidents' },
      { name: 'incident', id: 'INC/7 x' },
      { name: 'people' },
      { name: 'person', id: '01JAB' },
      { name: 'settings' },
    ];
    for (const route of routes) expect(parseHash(href(route))).toEqual(route);
  });

  it('maps detail screens to their sidebar section', () => {
    expect(sectionOf({ name: 'incident', id: 'x' })).toBe('incidents');
    expect(sectionOf({ name: 'person', id: 'x' })).toBe('people');
    expect(sectionOf({ name: 'welcome' })).toBeNull();
  });
});
