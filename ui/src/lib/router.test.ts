import { afterEach, describe, expect, it } from 'vitest';
import { href, NEW_TEMPLATE, parseHash, router, sectionOf, type Route } from './router.svelte';

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
    expect(parseHash('#/settings/mail-server')).toEqual({ name: 'settings', section: 'mail-server' });
    expect(parseHash('#/settings/sign-in')).toEqual({ name: 'settings', section: 'sign-in' });
    expect(parseHash('#/settings/elsewhere')).toEqual({ name: 'settings' });
    expect(parseHash('#/outbox')).toEqual({ name: 'outbox' });
    expect(parseHash('#/import')).toEqual({ name: 'import' });
    expect(parseHash('#/import/')).toEqual({ name: 'import' });
    expect(parseHash('#/templates')).toEqual({ name: 'templates' });
    expect(parseHash('#/templates/')).toEqual({ name: 'templates' });
    expect(parseHash('#/templates/01JT')).toEqual({ name: 'template', id: '01JT' });
    expect(parseHash('#/templates/new')).toEqual({ name: 'template', id: NEW_TEMPLATE });
    expect(parseHash('#/templates/a/b')).toEqual({ name: 'home' });
    expect(parseHash('#/nowhere')).toEqual({ name: 'home' });
    expect(parseHash('#/incidents/a/b')).toEqual({ name: 'home' });
    expect(parseHash('#/incidents/01J9/compose')).toEqual({ name: 'compose', id: '01J9' });
    expect(parseHash('#/incidents/01J9/compose/')).toEqual({ name: 'compose', id: '01J9' });
    expect(parseHash('#/incidents/01J9/compose/x')).toEqual({ name: 'home' });
    expect(parseHash('#/people/p1/compose')).toEqual({ name: 'home' });
    expect(parseHash('#/reports')).toEqual({ name: 'reports' });
    expect(parseHash('#/reports/')).toEqual({ name: 'reports' });
    expect(parseHash('#/reports?incident=INC-2026-0042')).toEqual({ name: 'reports', incident: 'INC-2026-0042' });
    expect(parseHash('#/reports?person=jane%2Bsoc%40corp.com')).toEqual({ name: 'reports', person: 'jane+soc@corp.com' });
    expect(parseHash('#/reports?incident=&person=jane@corp.com')).toEqual({ name: 'reports', person: 'jane@corp.com' });
    expect(parseHash('#/reports?other=1')).toEqual({ name: 'reports' });
    expect(parseHash('#/reports/x')).toEqual({ name: 'home' });
  });

  it('writes hashes that read back to the same route', () => {
    const routes: Route[] = [
      { name: 'welcome' },
      { name: 'incidents' },
      { name: 'incident', id: 'INC/7 x' },
      { name: 'compose', id: 'INC/7 x' },
      { name: 'people' },
      { name: 'person', id: '01JAB' },
      { name: 'templates' },
      { name: 'template', id: '01JT/x y' },
      { name: 'template', id: NEW_TEMPLATE },
      { name: 'settings' },
      { name: 'settings', section: 'mail-server' },
      { name: 'settings', section: 'sign-in' },
      { name: 'outbox' },
      { name: 'import' },
      { name: 'deleted' },
      { name: 'reports' },
      { name: 'reports', incident: 'INC-2026-0042' },
      { name: 'reports', incident: 'INC/7 x&y=z' },
      { name: 'reports', person: 'jane+soc@corp.com' },
    ];
    for (const route of routes) expect(parseHash(href(route))).toEqual(route);
  });

  it('maps detail screens to their sidebar section', () => {
    expect(sectionOf({ name: 'incident', id: 'x' })).toBe('incidents');
    expect(sectionOf({ name: 'compose', id: 'x' })).toBe('incidents');
    expect(sectionOf({ name: 'person', id: 'x' })).toBe('people');
    expect(sectionOf({ name: 'templates' })).toBe('templates');
    expect(sectionOf({ name: 'template', id: 'x' })).toBe('templates');
    expect(sectionOf({ name: 'deleted' })).toBe('deleted');
    expect(sectionOf({ name: 'outbox' })).toBe('outbox');
    expect(sectionOf({ name: 'import' })).toBe('import');
    expect(sectionOf({ name: 'reports' })).toBe('reports');
    expect(sectionOf({ name: 'reports', person: 'jane@corp.com' })).toBe('reports');
    expect(sectionOf({ name: 'settings', section: 'mail-server' })).toBe('settings');
    expect(sectionOf({ name: 'welcome' })).toBeNull();
  });

  it('writes the template hashes the sidebar and the editor link to', () => {
    expect(href({ name: 'templates' })).toBe('#/templates');
    expect(href({ name: 'template', id: '01JT' })).toBe('#/templates/01JT');
    expect(href({ name: 'template', id: NEW_TEMPLATE })).toBe('#/templates/new');
  });
});

/** Moves the address the way a link or Back does, and waits for the router to hear it. */
async function follow(hash: string): Promise<void> {
  const heard = new Promise((done) => window.addEventListener('hashchange', done, { once: true }));
  location.hash = hash;
  await heard;
  await Promise.resolve();
}

describe('router: leaving a screen with unsaved changes', () => {
  let stop: (() => void) | null = null;
  let unguard: (() => void) | null = null;
  afterEach(() => {
    unguard?.();
    stop?.();
    unguard = stop = null;
  });

  function startAt(hash: string) {
    history.replaceState(null, '', hash);
    stop = router.start();
  }

  it('moves on when the guard agrees at once', async () => {
    startAt('#/templates/t1');
    unguard = router.guardLeave(() => true);
    await follow('#/people');
    expect(router.route).toEqual({ name: 'people' });
  });

  it('stays, with the address put back, when the guard says no', async () => {
    startAt('#/templates/t1');
    const asked: Route[] = [];
    unguard = router.guardLeave((to) => {
      asked.push(to);
      return Promise.resolve(false);
    });
    await follow('#/people');
    await Promise.resolve();
    expect(asked).toEqual([{ name: 'people' }]);
    expect(router.route).toEqual({ name: 'template', id: 't1' });
    expect(location.hash).toBe('#/templates/t1');
  });

  it('goes on once the guard agrees later, and no longer asks after it is removed', async () => {
    startAt('#/templates/t1');
    let agree!: (yes: boolean) => void;
    unguard = router.guardLeave(() => new Promise<boolean>((done) => (agree = done)));
    await follow('#/settings');
    expect(router.route).toEqual({ name: 'template', id: 't1' });
    agree(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(router.route).toEqual({ name: 'settings' });
    expect(location.hash).toBe('#/settings');

    unguard();
    unguard = null;
    await follow('#/people');
    expect(router.route).toEqual({ name: 'people' });
  });
});

describe('router: visiting a screen as a link does', () => {
  let stop: (() => void) | null = null;
  let unguard: (() => void) | null = null;
  afterEach(() => {
    unguard?.();
    stop?.();
    unguard = stop = null;
  });

  it('goes at once when no screen guards its leaving', async () => {
    history.replaceState(null, '', '#/people');
    stop = router.start();
    expect(await router.visit({ name: 'import' })).toBe(true);
    expect(router.route).toEqual({ name: 'import' });
    expect(location.hash).toBe('#/import');
  });

  it('asks the guard, and stays where it is when the answer is no', async () => {
    history.replaceState(null, '', '#/templates/t1');
    stop = router.start();
    const asked: Route[] = [];
    let answer = false;
    unguard = router.guardLeave((to) => {
      asked.push(to);
      return Promise.resolve(answer);
    });
    expect(await router.visit({ name: 'import' })).toBe(false);
    expect(router.route).toEqual({ name: 'template', id: 't1' });
    expect(location.hash).toBe('#/templates/t1');

    answer = true;
    const before = router.arrival.seq;
    expect(await router.visit({ name: 'import' })).toBe(true);
    expect(router.route).toEqual({ name: 'import' });
    expect(asked).toEqual([{ name: 'import' }, { name: 'import' }]);
    // The hashchange that follows is the same arrival and does not ask again.
    await new Promise((done) => setTimeout(done, 0));
    expect(asked).toHaveLength(2);
    expect(router.arrival.seq).toBe(before + 1);
  });
});

describe('router: where focus goes on arrival', () => {
  let stop: (() => void) | null = null;
  afterEach(() => {
    stop?.();
    stop = null;
  });

  it('counts each arrival with the intent its caller gave, the heading by default', async () => {
    history.replaceState(null, '', '#/incidents');
    stop = router.start();
    const before = router.arrival.seq;
    router.go({ name: 'incident', id: 'i1' }, { focus: 'primary' });
    expect(router.arrival).toEqual({ seq: before + 1, focus: 'primary' });
    // The hashchange that follows `go` is the same arrival, not another one.
    await new Promise((done) => setTimeout(done, 0));
    expect(router.arrival.seq).toBe(before + 1);

    await follow('#/people');
    expect(router.arrival).toEqual({ seq: before + 2, focus: 'heading' });
    router.go({ name: 'people' }, { replace: true, focus: 'list' });
    expect(router.arrival).toEqual({ seq: before + 3, focus: 'list' });
  });
});
