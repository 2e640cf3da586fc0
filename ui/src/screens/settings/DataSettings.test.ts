import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import DataSettings from './DataSettings.svelte';
import { ApiError } from '../../lib/api';
import { APP_KEY, type AppActions } from '../../lib/app';
import { confirmations } from '../../lib/confirm.svelte';
import { toasts } from '../../lib/toast.svelte';
import { fakeBackend, withBackend, type FakeBackend } from '../../test/fake';
import type { AutomaticBackups, BackupInfo, ImportInfo, RestoreInfo } from '../../lib/types';

const FOLDER = '/home/sam/.local/share/afterword/backups';

function copies(names: string[] = []): AutomaticBackups {
  return {
    folder: FOLDER,
    backups: names.map((name, i) => ({
      path: `${FOLDER}/${name}`,
      name,
      reason: name.includes('import') ? 'import' : 'restore',
      made_at: `2026-11-2${5 - i}T10:15:00Z`,
      bytes: 48_000,
    })),
  };
}

function restoreInfo(overrides: Partial<RestoreInfo> = {}): RestoreInfo {
  return {
    source: '/media/usb/mine.db',
    backup_schema_version: 5,
    schema_version: 5,
    incidents: 1,
    people: 3,
    contributions: 4,
    previous: `${FOLDER}/afterword-before-restore-20261125T101500Z.db`,
    ...overrides,
  };
}

function importInfo(): ImportInfo {
  return {
    source: '/media/usb/everything.json',
    export_schema_version: 5,
    exported_at: '2026-11-24T09:00:00Z',
    schema_version: 5,
    rows: { incidents: 2, people: 5 },
    incidents: 2,
    people: 5,
    contributions: 7,
    previous: `${FOLDER}/afterword-before-import-20261125T101500Z.db`,
  };
}

/** The component with `backend`, and the app actions it may call. */
function show(backend: FakeBackend) {
  const app: AppActions = { refreshOverview: vi.fn(), newIncident: vi.fn(), datasetReplaced: vi.fn() };
  const options = withBackend(backend);
  options.context.set(APP_KEY, app);
  render(DataSettings, options);
  return app;
}

function button(testid: string): HTMLButtonElement {
  return screen.getByTestId(testid) as HTMLButtonElement;
}

afterEach(() => {
  confirmations.answer(false);
  toasts.dismiss();
});

describe('Settings → Your data', () => {
  it('backs up through the save dialog, busy meanwhile, then says what it wrote and where', async () => {
    let finish: (info: BackupInfo) => void = () => {};
    const backend = fakeBackend({
      listBackups: async () => copies(),
      chooseDataDestination: async () => '/media/usb/afterword-backup-2026-11-25.db',
      backupDatabase: () => new Promise((resolve) => (finish = resolve)),
      openFolder: async () => {},
    });
    show(backend);
    expect(await screen.findByTestId('data-automatic-none')).toBeTruthy();
    expect(screen.getByTestId('data-backups-folder').textContent).toBe(FOLDER);

    await fireEvent.click(button('data-backup'));
    await waitFor(() => expect(button('data-backup').textContent).toContain('Backing up…'));
    expect(backend.chooseDataDestination).toHaveBeenCalledWith('backup');
    expect(backend.backupDatabase).toHaveBeenCalledWith('/media/usb/afterword-backup-2026-11-25.db');
    // The busy button keeps focus (inert, not disabled); the others wait.
    expect(button('data-backup').disabled).toBe(false);
    expect(button('data-backup').getAttribute('aria-disabled')).toBe('true');
    expect(button('data-restore').disabled).toBe(true);
    expect(screen.getByTestId('data-status').textContent).toBe('Copying and checking the database…');
    await fireEvent.click(button('data-backup'));
    expect(backend.chooseDataDestination).toHaveBeenCalledTimes(1);

    finish({
      path: '/media/usb/afterword-backup-2026-11-25.db',
      bytes: 48_000,
      schema_version: 5,
      incidents: 1,
      people: 3,
      contributions: 4,
    });
    const written = await screen.findByTestId('data-written');
    expect(written.textContent).toContain('Backed up 3 people, 1 incident and 4 contributions (48 KB) to');
    expect(screen.getByTestId('data-written-path').textContent).toBe('/media/usb/afterword-backup-2026-11-25.db');
    expect(button('data-restore').disabled).toBe(false);
    await fireEvent.click(button('data-show-folder'));
    expect(backend.openFolder).toHaveBeenCalledWith('/media/usb');
  });

  it('does nothing when the dialog is cancelled', async () => {
    const backend = fakeBackend({ listBackups: async () => copies(), chooseDataDestination: async () => null });
    show(backend);
    await fireEvent.click(button('data-export'));
    await waitFor(() => expect(button('data-export').getAttribute('aria-disabled')).toBeNull());
    expect(backend.exportAllData).not.toHaveBeenCalled();
    expect(screen.queryByTestId('data-error')).toBeNull();
  });

  it('exports everything and counts the rows', async () => {
    const backend = fakeBackend({
      listBackups: async () => copies(),
      chooseDataDestination: async () => '/media/usb/afterword-export-2026-11-25.json',
      exportAllData: async (path) => ({
        path,
        bytes: 2_100_000,
        schema_version: 5,
        exported_at: '2026-11-25T10:15:00Z',
        rows: { incidents: 1, people: 3, contributions: 4, audit: 12 },
        incidents: 1,
        people: 3,
        contributions: 4,
      }),
    });
    show(backend);
    await fireEvent.click(button('data-export'));
    const written = await screen.findByTestId('data-written');
    expect(backend.chooseDataDestination).toHaveBeenCalledWith('export');
    expect(written.textContent).toContain('Exported 3 people, 1 incident and 4 contributions (20 rows in 4 tables, 2.1 MB) to');
  });

  it('restores only after the question, naming the backups folder, then starts again on the new data', async () => {
    const backend = fakeBackend({
      listBackups: async () => copies(),
      chooseDataSource: async () => '/media/usb/mine.db',
      restoreDatabase: async () => ({ info: restoreInfo(), sending: { waiting: 0, paused: false } }),
      openFolder: async () => {},
    });
    const app = show(backend);
    await screen.findByTestId('data-automatic-none');
    await fireEvent.click(button('data-restore'));

    await waitFor(() => expect(confirmations.pending).not.toBeNull());
    const asked = confirmations.pending!;
    expect(backend.chooseDataSource).toHaveBeenCalledWith('backup');
    expect(asked.title).toBe('Replace everything with this backup?');
    expect(asked.message).toContain('replaced by what mine.db holds');
    expect(asked.details?.[0]).toBe(`A copy of the data as it is now is kept first, in ${FOLDER}.`);
    expect(asked.danger).toBe(true);
    expect(backend.restoreDatabase).not.toHaveBeenCalled();
    expect(screen.getByTestId('data-status').textContent).toBe('');
    confirmations.answer(true);

    await waitFor(() => expect(app.datasetReplaced).toHaveBeenCalledWith({ name: 'incidents' }));
    expect(backend.restoreDatabase).toHaveBeenCalledWith('/media/usb/mine.db');
    expect(toasts.current?.message).toBe(
      'Restored 3 people, 1 incident and 4 contributions from mine.db. The data as it was is kept as afterword-before-restore-20261125T101500Z.db.',
    );
    await toasts.current?.action?.run();
    expect(backend.openFolder).toHaveBeenCalledWith(FOLDER);
  });

  it('says no and keeps nothing when the question is answered no', async () => {
    const backend = fakeBackend({ listBackups: async () => copies(), chooseDataSource: async () => '/media/usb/mine.db' });
    const app = show(backend);
    await fireEvent.click(button('data-restore'));
    await waitFor(() => expect(confirmations.pending).not.toBeNull());
    confirmations.answer(false);
    await waitFor(() => expect(button('data-restore').getAttribute('aria-disabled')).toBeNull());
    expect(backend.restoreDatabase).not.toHaveBeenCalled();
    expect(app.datasetReplaced).not.toHaveBeenCalled();
  });

  it('shows the core’s words for a damaged backup and stays put', async () => {
    const message =
      'The file /media/usb/broken.db is not an Afterword backup or is damaged (file is not a database). The live database was left untouched: choose another backup.';
    const backend = fakeBackend({
      listBackups: async () => copies(),
      chooseDataSource: async () => '/media/usb/broken.db',
      restoreDatabase: async () => {
        throw new ApiError('backup_damaged', message);
      },
    });
    const app = show(backend);
    await fireEvent.click(button('data-restore'));
    await waitFor(() => expect(confirmations.pending).not.toBeNull());
    confirmations.answer(true);
    const error = await screen.findByTestId('data-error');
    expect(error.textContent?.trim()).toBe(`Not restored. ${message}`);
    expect(error.getAttribute('role')).toBe('alert');
    expect(app.datasetReplaced).not.toHaveBeenCalled();
    expect(button('data-restore').disabled).toBe(false);
  });

  it('leads to the Outbox when the restored data has messages waiting and sending stays paused', async () => {
    const backend = fakeBackend({
      listBackups: async () => copies(),
      chooseDataSource: async () => '/media/usb/mine.db',
      restoreDatabase: async () => ({ info: restoreInfo(), sending: { waiting: 2, paused: true } }),
    });
    const app = show(backend);
    await fireEvent.click(button('data-restore'));
    await waitFor(() => expect(confirmations.pending).not.toBeNull());
    confirmations.answer(true);
    await waitFor(() => expect(app.datasetReplaced).toHaveBeenCalledWith({ name: 'outbox' }));
    expect(toasts.current?.message).toContain(
      '2 messages in it were waiting to be sent: sending is paused so that nothing goes out twice.',
    );
  });

  it('imports into an empty database at once, and asks first over data already there', async () => {
    const backend = fakeBackend({
      listBackups: async () => copies(),
      chooseDataSource: async () => '/media/usb/everything.json',
      importAllData: async () => ({ info: importInfo(), sending: { waiting: 0, paused: false } }),
    });
    const app = show(backend);
    await fireEvent.click(button('data-import'));
    await waitFor(() => expect(app.datasetReplaced).toHaveBeenCalledTimes(1));
    expect(backend.chooseDataSource).toHaveBeenCalledWith('export');
    expect(backend.importAllData).toHaveBeenCalledWith('/media/usb/everything.json', false);
    expect(confirmations.pending).toBeNull();
    expect(toasts.current?.message).toContain('Imported 5 people, 2 incidents and 7 contributions from everything.json.');

    backend.importAllData.mockImplementation(async (_path, replace) => {
      if (!replace) throw new ApiError('needs_confirmation', 'The database already holds 1 incidents and 3 people…');
      return { info: importInfo(), sending: { waiting: 0, paused: false } };
    });
    await fireEvent.click(button('data-import'));
    await waitFor(() => expect(confirmations.pending?.title).toBe('Replace everything with this export?'));
    confirmations.answer(true);
    await waitFor(() => expect(app.datasetReplaced).toHaveBeenCalledTimes(2));
    expect(backend.importAllData).toHaveBeenLastCalledWith('/media/usb/everything.json', true);
  });

  it('lists the copies Afterword made, newest first, each one restorable', async () => {
    const names = [
      'afterword-before-restore-20261125T101500Z.db',
      'afterword-before-import-20261124T101500Z.db',
      ...[3, 2, 1, 0].map((d) => `afterword-before-restore-2026112${d}T101500Z.db`),
    ];
    const backend = fakeBackend({
      listBackups: async () => copies(names),
      restoreDatabase: async () => ({ info: restoreInfo(), sending: { waiting: 0, paused: false } }),
      openFolder: async () => {},
    });
    const app = show(backend);
    const rows = await screen.findAllByTestId('data-automatic-copy');
    expect(rows).toHaveLength(5);
    expect(rows[0]!.textContent).toContain('Before a restore');
    expect(rows[0]!.textContent).toContain('afterword-before-restore-20261125T101500Z.db');
    expect(rows[0]!.textContent).toContain('48 KB');
    expect(rows[1]!.textContent).toContain('Before an import');
    expect(screen.getByText('And 1 older copy in the folder.')).toBeTruthy();
    const restores = screen.getAllByTestId('data-automatic-restore');
    expect(restores[1]!.getAttribute('aria-label')).toMatch(/^Restore the copy made before an import, 24 Nov 2026, \d\d:\d\d$/);

    await fireEvent.click(button('data-open-backups'));
    expect(backend.openFolder).toHaveBeenCalledWith(FOLDER);

    await fireEvent.click(restores[1]!);
    await waitFor(() => expect(confirmations.pending).not.toBeNull());
    expect(backend.chooseDataSource).not.toHaveBeenCalled();
    confirmations.answer(true);
    await waitFor(() => expect(app.datasetReplaced).toHaveBeenCalled());
    expect(backend.restoreDatabase).toHaveBeenCalledWith(`${FOLDER}/afterword-before-import-20261124T101500Z.db`);
  });
});
