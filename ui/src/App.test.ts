import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import {
  contributorPreview,
  fakeBackend,
  importPreview,
  importSummary,
  incident,
  jobPreview,
  type FakeBackend,
} from './test/fake';
import type { Overview } from './lib/types';
import { ApiError } from './lib/api';
import { deletions } from './lib/undo.svelte';

function backendWith(overview: Overview): FakeBackend {
  return fakeBackend({
    overview: async () => overview,
    getPreferences: async () => ({ theme: 'dark' }),
    appInfo: async () => ({
      version: '0.1.0',
      data_dir: '/tmp/aw',
      database: '/tmp/aw/afterword.db',
      schema_version: 1,
      notice: 'Your settings file could not be read.',
      database_problem: null,
    }),
    listIncidents: async () => ({ incidents: [], total: 0 }),
  });
}

const empty: Overview = { incidents: 0, open_incidents: 0, people: 0, contributions: 0 };

describe('App', () => {
  it('shows only the reason when the database cannot be opened', async () => {
    window.location.hash = '';
    const backend = backendWith(empty);
    backend.overview.mockImplementation(async () => {
      throw new ApiError('database_unavailable', 'The database /d/afterword.db was written by a newer version.');
    });
    render(App, { props: { backend } });

    const problem = await screen.findByTestId('database-problem');
    expect(problem.textContent).toContain('/d/afterword.db was written by a newer version');
    expect(screen.queryByTestId('first-run')).toBeNull();
    expect(screen.queryByTestId('incident-list')).toBeNull();
  });

  it('welcomes a new user, and "start empty" leads to the empty incident list', async () => {
    window.location.hash = '';
    const backend = backendWith(empty);
    render(App, { props: { backend } });

    await screen.findByTestId('first-run');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(screen.getByTestId('notice').textContent).toContain('settings file');

    await fireEvent.click(screen.getByTestId('start-empty'));
    const emptyState = await screen.findByTestId('empty-state');
    expect(emptyState.textContent).toContain('No incidents yet');
    expect(backend.listIncidents).toHaveBeenCalled();
  });

  it('loads the example and opens it', async () => {
    window.location.hash = '';
    const example = incident({ id: 'ex1', reference: 'INC-2026-0042' });
    const backend = backendWith(empty);
    backend.loadExample.mockResolvedValue(example);
    backend.getIncident.mockResolvedValue({ incident: example, contributions: [] });
    render(App, { props: { backend } });

    await fireEvent.click(await screen.findByTestId('load-example'));
    // The incident page is a chunk of its own, compiled on first use in a test run: give it time.
    const heading = await screen.findByTestId('incident-heading', {}, { timeout: 4000 });
    expect(heading.textContent).toContain('INC-2026-0042');
    expect(backend.getIncident).toHaveBeenCalledWith('ex1');
    expect(window.location.hash).toBe('#/incidents/ex1');
  });

  it('goes straight to the incidents when there is data, with counts in the sidebar', async () => {
    window.location.hash = '';
    const backend = backendWith({ incidents: 3, open_incidents: 2, people: 5, contributions: 9 });
    backend.listIncidents.mockResolvedValue({ incidents: [incident()], total: 3 });
    render(App, { props: { backend } });

    const row = await screen.findByTestId('incident-row');
    expect(row.dataset.reference).toBe('INC-2026-0001');
    expect(screen.queryByTestId('first-run')).toBeNull();
    expect(screen.getByTestId('nav-incidents').textContent).toContain('3');
    expect(screen.getByTestId('nav-people').textContent).toContain('5');
    expect(screen.getByTestId('incident-count').textContent).toMatch(/Showing 1 of 3/);
  });

  it('keeps a screen chosen while it starts, even before the address change is heard', async () => {
    window.location.hash = '';
    const backend = backendWith({ incidents: 3, open_incidents: 2, people: 5, contributions: 9 });
    let answer: (overview: Overview) => void = () => {};
    backend.overview.mockImplementationOnce(() => new Promise((done) => (answer = done)));
    render(App, { props: { backend } });
    await waitFor(() => expect(backend.overview).toHaveBeenCalled());

    // A link followed now: the address changes at once, its hashchange comes as a later task,
    // after the start-up's answers (microtasks) have been handled.
    const heard = new Promise((done) => window.addEventListener('hashchange', done, { once: true }));
    window.location.hash = '#/people';
    answer({ incidents: 3, open_incidents: 2, people: 5, contributions: 9 });
    await heard;
    await waitFor(() => expect(screen.getByTestId('nav-people').getAttribute('aria-current')).toBe('page'));
    expect(window.location.hash).toBe('#/people');
  });

  it('opens the new-incident form with Ctrl+N from anywhere', async () => {
    window.location.hash = '#/settings';
    const backend = backendWith({ incidents: 1, open_incidents: 1, people: 1, contributions: 1 });
    render(App, { props: { backend } });
    await waitFor(() => expect(screen.getByTestId('data-dir').textContent).toBe('/tmp/aw'));

    await fireEvent.keyDown(window, { key: 'n', ctrlKey: true });
    expect(await screen.findByTestId('incident-title')).toBeTruthy();
  });
  it('after a restore from Settings, starts again on the new data: counts, the incident list, nothing to undo', async () => {
    window.location.hash = '#/settings';
    const backend = backendWith({ incidents: 1, open_incidents: 1, people: 1, contributions: 1 });
    backend.listBackups.mockResolvedValue({ folder: '/tmp/aw/backups', backups: [] });
    backend.chooseDataSource.mockResolvedValue('/media/usb/mine.db');
    backend.restoreDatabase.mockImplementation(async () => {
      backend.overview.mockResolvedValue({ incidents: 4, open_incidents: 2, people: 6, contributions: 9 });
      backend.listIncidents.mockResolvedValue({ incidents: [incident({ reference: 'INC-2026-0004' })], total: 4 });
      return {
        info: {
          source: '/media/usb/mine.db',
          backup_schema_version: 5,
          schema_version: 5,
          incidents: 4,
          people: 6,
          contributions: 9,
          previous: '/tmp/aw/backups/afterword-before-restore-20261125T101500Z.db',
        },
        sending: { waiting: 0, paused: false },
      };
    });
    render(App, { props: { backend } });
    await screen.findByTestId('data-automatic-none', {}, { timeout: 4000 });
    const restore = vi.fn(async () => {});
    deletions.announce('Deleted INC-1.', { restore });

    await fireEvent.click(screen.getByTestId('data-restore'));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));

    const row = await screen.findByTestId('incident-row');
    expect(row.dataset.reference).toBe('INC-2026-0004');
    expect(window.location.hash).toBe('#/incidents');
    await waitFor(() => expect(screen.getByTestId('nav-incidents').textContent).toContain('4'));
    expect(screen.getByTestId('toast').textContent).toContain('Restored 6 people, 4 incidents and 9 contributions');
    // A deletion of the old data is not undone on the new one.
    await fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toContain('Nothing deleted to undo'));
    expect(restore).not.toHaveBeenCalled();
  });

  it('Ctrl+Z undoes the last deletion, except in a text field where it is the field’s own undo', async () => {
    window.location.hash = '#/incidents';
    const backend = backendWith({ incidents: 1, open_incidents: 1, people: 0, contributions: 0 });
    backend.listIncidents.mockResolvedValue({ incidents: [incident()], total: 1 });
    render(App, { props: { backend } });
    await screen.findByTestId('incident-search');
    const restore = vi.fn(async () => {});
    deletions.announce('Deleted INC-1.', { restore });

    const search = screen.getByTestId('incident-search');
    await fireEvent.keyDown(search, { key: 'z', ctrlKey: true });
    expect(restore).not.toHaveBeenCalled();

    await fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(restore).toHaveBeenCalledTimes(1));
    deletions.clear();
  });

  it('puts focus on the heading of the screen it moves to, and the sidebar reaches Recently deleted', async () => {
    window.location.hash = '#/incidents';
    const backend = backendWith({ incidents: 1, open_incidents: 1, people: 0, contributions: 0 });
    backend.listIncidents.mockResolvedValue({ incidents: [incident()], total: 1 });
    backend.recentlyDeleted.mockResolvedValue([]);
    render(App, { props: { backend } });
    await screen.findByTestId('incident-search');

    await fireEvent.click(screen.getByTestId('nav-deleted'));
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Recently deleted'));
    expect(document.activeElement?.tagName).toBe('H1');
    expect(await screen.findByTestId('empty-state')).toBeTruthy();
  });

  it('opens the import screen with a file dropped anywhere on the window, its heading focused', async () => {
    window.location.hash = '#/incidents';
    let drop: ((path: string) => void) | null = null;
    const unlisten = vi.fn();
    const backend = backendWith({ incidents: 1, open_incidents: 1, people: 0, contributions: 0 });
    backend.listIncidents.mockResolvedValue({ incidents: [incident()], total: 1 });
    backend.onFileDropped.mockImplementation(async (handler) => {
      drop = handler;
      return unlisten;
    });
    backend.inspectImport.mockResolvedValue(importSummary());
    backend.startImport.mockResolvedValue('preview-1');
    backend.importStatus.mockResolvedValue(jobPreview(importPreview([])));
    backend.cancelImport.mockResolvedValue();
    const { unmount } = render(App, { props: { backend } });
    await screen.findByTestId('incident-search');
    await waitFor(() => expect(drop).not.toBeNull());

    drop!('/home/sam/Downloads/contacts.csv');
    await screen.findByTestId('import-screen');
    expect(window.location.hash).toBe('#/import');
    expect(screen.getByTestId('nav-import').getAttribute('aria-current')).toBe('page');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Import people'));
    await waitFor(() =>
      expect(backend.inspectImport).toHaveBeenCalledWith(expect.objectContaining({ source: { kind: 'file', path: '/home/sam/Downloads/contacts.csv' } })),
    );
    expect(((await screen.findByTestId('import-path')) as HTMLInputElement).value).toBe('/home/sam/Downloads/contacts.csv');

    unmount();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it('opens Reports from the sidebar, its heading focused, and an incident’s report from its address', async () => {
    window.location.hash = '#/incidents';
    const backend = backendWith({ incidents: 1, open_incidents: 1, people: 1, contributions: 1 });
    backend.listIncidents.mockResolvedValue({ incidents: [incident()], total: 1 });
    backend.contributorReportPreview.mockResolvedValue(contributorPreview());
    render(App, { props: { backend } });
    await screen.findByTestId('incident-search');

    await fireEvent.click(screen.getByTestId('nav-reports'));
    await screen.findByTestId('reports-screen', {}, { timeout: 4000 });
    expect(window.location.hash).toBe('#/reports');
    expect(screen.getByTestId('nav-reports').getAttribute('aria-current')).toBe('page');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Reports'));
    expect(document.activeElement?.tagName).toBe('H1');
    await screen.findByTestId('contributor-report', {}, { timeout: 2000 });

    window.location.hash = '#/reports?incident=INC-2026-0042';
    await waitFor(() =>
      expect(backend.contributorReportPreview).toHaveBeenLastCalledWith(
        expect.objectContaining({ incident: 'INC-2026-0042', from: null, to: null }),
      ),
    );
    expect(screen.getByTestId('nav-reports').getAttribute('aria-current')).toBe('page');
  });
});
