// The Templates screens inside the whole app: the sidebar entry, the routes, and leaving an
// editor with unsaved changes.
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import { fakeBackend, template, type FakeBackend } from './test/fake';
import { confirmations } from './lib/confirm.svelte';

function backend(): FakeBackend {
  return fakeBackend({
    overview: async () => ({ incidents: 1, open_incidents: 1, people: 1, contributions: 1 }),
    getPreferences: async () => ({ theme: 'light' }),
    appInfo: async () => ({
      version: '0.1.0',
      data_dir: '/tmp/aw',
      database: '/tmp/aw/afterword.db',
      schema_version: 1,
      notice: null,
      database_problem: null,
    }),
    listTemplates: async () => [template({ id: 't1', name: 'End users' })],
    templateVariables: async () => [],
    tryTemplate: async () => ({ subject: 'Thanks', markdown: 'Hi', error: null, findings: [], preview_key: 'k-1' }),
    searchPeople: async () => [],
  });
}

/** Follows a link the way a click does in the webview: the hash changes, the router hears it. */
async function follow(link: HTMLElement) {
  const heard = new Promise((done) => window.addEventListener('hashchange', done, { once: true }));
  window.location.hash = link.getAttribute('href') ?? '';
  await heard;
}

afterEach(() => confirmations.answer(false));

describe('App: templates', () => {
  it('has a sidebar entry that opens the list, and a row opens the editor', async () => {
    window.location.hash = '#/settings';
    render(App, { props: { backend: backend() } });

    const nav = await screen.findByTestId('templates-nav');
    expect(nav.getAttribute('href')).toBe('#/templates');
    expect(nav.getAttribute('aria-current')).toBeNull();
    await follow(nav);

    const row = await screen.findByTestId('template-row');
    expect(nav.getAttribute('aria-current')).toBe('page');
    await follow(row);
    const name = (await screen.findByTestId('template-name')) as HTMLInputElement;
    await waitFor(() => expect(name.value).toBe('End users'));
    expect(nav.getAttribute('aria-current')).toBe('page');
  });

  it('asks before leaving an editor with unsaved changes, and stays when told to', async () => {
    window.location.hash = '#/templates/t1';
    render(App, { props: { backend: backend() } });
    const name = (await screen.findByTestId('template-name')) as HTMLInputElement;
    await waitFor(() => expect(name.value).toBe('End users'));
    name.value = 'End users, warmly';
    await fireEvent.input(name);

    await follow(screen.getByTestId('nav-people'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog.textContent).toContain('Leave without saving?');
    await fireEvent.click(screen.getByTestId('confirm-cancel'));

    await waitFor(() => expect(window.location.hash).toBe('#/templates/t1'));
    expect((screen.getByTestId('template-name') as HTMLInputElement).value).toBe('End users, warmly');

    await follow(screen.getByTestId('nav-people'));
    await screen.findByTestId('confirm-dialog');
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(window.location.hash).toBe('#/people'));
    await waitFor(() => expect(screen.queryByTestId('template-name')).toBeNull());
  });
});
