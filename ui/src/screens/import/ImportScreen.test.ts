import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import ImportScreen from './ImportScreen.svelte';
import { ApiError, type Backend } from '../../lib/api';
import { droppedFiles } from '../../lib/drops.svelte';
import { toasts } from '../../lib/toast.svelte';
import type { ImportPreview, ImportRequest, ImportRow } from '../../lib/types';
import {
  fakeBackend,
  importPreview,
  importRow,
  importSummary,
  jobFailed,
  jobPreview,
  jobReport,
  jobRunning,
  selectOption,
  withBackend,
  type FakeBackend,
} from '../../test/fake';

const PATH = '/home/sam/Downloads/outlook_cp1252.csv';

const rows: ImportRow[] = [
  importRow({ row: 2 }),
  importRow({
    row: 3,
    name: 'Jürgen Müller',
    email: 'juergen.mueller@muellersoehne.example',
    organisation: 'Müller & Söhne',
    team: 'IT-Sicherheit',
    reason: 'New person, Third party / vendor (Müller & Söhne is not your organisation).',
  }),
  importRow({
    row: 4,
    name: 'Jane Whitfield',
    email: 'jane@corp.com',
    class: 'updated',
    audience: null,
    person_id: 'p1',
    organisation: 'Corp Ltd',
    reason: 'Known as Jane Whitfield; adds job title; keeps organisation “Corp” (file: “Corp Ltd”).',
    fills: [{ field: 'job_title', from: '', to: 'Network engineer' }],
    conflicts: [{ field: 'organisation', from: 'Corp', to: 'Corp Ltd' }],
  }),
  importRow({
    row: 5,
    name: 'Renee Dubois',
    email: 'Renee.Dubois@SGS.example',
    class: 'duplicate',
    audience: null,
    reason: 'The same email as row 2 of this file.',
  }),
  importRow({ row: 6, name: 'Front Desk', email: '', class: 'invalid', audience: null, reason: 'No email address: Afterword needs one to thank them.' }),
];

/** A backend whose preview answers `preview` and whose import answers `report` (both via jobs). */
function setUp(overrides: Partial<Backend> = {}, preview: ImportPreview = importPreview(rows)): FakeBackend {
  const backend = fakeBackend({
    inspectImport: async () => importSummary(),
    startImport: async (_request, apply) => (apply ? 'import-1' : 'preview-1'),
    importStatus: async (job) =>
      job === 'import-1' ? jobReport({ summary: { ...preview.summary } }) : jobPreview(preview),
    cancelImport: async () => {},
    chooseImportFile: async () => null,
    ...overrides,
  });
  render(ImportScreen, withBackend(backend));
  return backend;
}

/** Lets debounces, jobs and polls run. */
async function settle(ms = 700) {
  await vi.advanceTimersByTimeAsync(ms);
}

/** Types a path and presses Enter, as a person does. */
async function choosePath(path = PATH) {
  const input = screen.getByTestId('import-path') as HTMLInputElement;
  await fireEvent.input(input, { target: { value: path } });
  await fireEvent.keyDown(input, { key: 'Enter' });
  await settle();
}

function lastRequest(backend: FakeBackend, apply = false): ImportRequest {
  const calls = backend.startImport.mock.calls.filter(([, a]) => a === apply);
  expect(calls.length, `startImport(apply=${apply}) was called`).toBeGreaterThan(0);
  return calls[calls.length - 1]![0];
}

function mappingSelect(column: string): HTMLSelectElement {
  const row = screen.getAllByTestId('import-mapping-row').find((r) => r.dataset.column === column);
  expect(row, `mapping row for ${column}`).toBeTruthy();
  return within(row!).getByTestId('import-mapping-select') as HTMLSelectElement;
}

function tableRows(): HTMLElement[] {
  return screen.queryAllByTestId('import-row');
}

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});

afterEach(() => {
  toasts.dismiss();
  droppedFiles.take();
});

describe('Import people: the source', () => {
  it('reads a typed path on Enter and shows what was detected, then previews with the guessed mapping', async () => {
    const backend = setUp();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Import people');
    // Nothing but the source until something is read.
    expect(screen.queryByTestId('import-columns')).toBeNull();

    await choosePath();

    expect(backend.inspectImport).toHaveBeenCalledTimes(1);
    expect(backend.inspectImport).toHaveBeenCalledWith({
      source: { kind: 'file', path: PATH },
      format: null,
      mapping: null,
      audience: null,
      overwrite: false,
      choices: [],
    });
    const detected = await screen.findByTestId('import-detected');
    expect(screen.getByTestId('import-source-label').textContent).toBe('Outlook CSV');
    expect(screen.getByTestId('import-encoding').textContent).toBe('windows-1252');
    expect(detected.textContent).toContain('4 columns');

    // The columns, with their first values and the guess.
    const mapping = screen.getAllByTestId('import-mapping-row');
    expect(mapping.map((r) => r.dataset.column)).toEqual(['First Name', 'Last Name', 'Company', 'E-mail Address']);
    expect(mapping[2]!.textContent).toContain('Société Générale');
    expect(mapping[2]!.textContent).toContain('Müller & Söhne');
    expect(mappingSelect('E-mail Address').value).toBe('email');
    expect(mappingSelect('Company').value).toBe('organisation');

    // The preview ran by itself, with that mapping.
    expect(lastRequest(backend).mapping).toEqual(['first_name', 'last_name', 'organisation', 'email']);
    await waitFor(() => expect(tableRows()).toHaveLength(5));
    expect(tableRows()[0]!.textContent).toContain('Row 2');
    expect(tableRows()[0]!.textContent).toContain('Renée Dubois');
    expect(tableRows()[0]!.textContent).toContain('New person, Third party / vendor');
  });

  it('does not read the file again when the field is left unchanged', async () => {
    const backend = setUp();
    await choosePath();
    await fireEvent.change(screen.getByTestId('import-path'));
    await settle();
    expect(backend.inspectImport).toHaveBeenCalledTimes(1);
  });

  it('shows why a file cannot be read next to the path, keeping what was typed', async () => {
    const message = 'garbage.bin is binary data, not text: it cannot be read as CSV, vCard or addresses.';
    const backend = setUp({
      inspectImport: async () => {
        throw new ApiError('invalid', message, { field: 'file' });
      },
    });
    await choosePath('/tmp/garbage.bin');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(message);
    const input = screen.getByTestId('import-path') as HTMLInputElement;
    expect(input.value).toBe('/tmp/garbage.bin');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(alert.id);
    expect(screen.queryByTestId('import-columns')).toBeNull();
    expect(backend.startImport).not.toHaveBeenCalled();
  });

  it('puts an error about the format under the format menu', async () => {
    setUp({
      inspectImport: async () => {
        throw new ApiError('invalid', 'A mailmerge project is a folder: choose it as a file, not as pasted text.', { field: 'format' });
      },
    });
    await fireEvent.click(screen.getByTestId('import-mode-text'));
    await fireEvent.input(screen.getByTestId('import-text'), { target: { value: 'jane@corp.com' } });
    selectOption(screen.getByTestId('import-format'), 'mailmerge');
    await settle();
    const error = await screen.findByRole('alert');
    expect(error.id).toBe('import-format-error');
    expect((screen.getByTestId('import-text') as HTMLTextAreaElement).value).toBe('jane@corp.com');
  });

  it('reads pasted addresses a moment after typing stops', async () => {
    const backend = setUp({
      inspectImport: async () => importSummary({ format: 'text', source_label: 'Addresses', encoding: 'UTF-8', row_unit: 'address', columns: [], mapping: [], samples: [] }),
    });
    await fireEvent.click(screen.getByTestId('import-mode-text'));
    await fireEvent.input(screen.getByTestId('import-text'), { target: { value: 'Jane <jane@corp.com>, tom@ops' } });
    await fireEvent.input(screen.getByTestId('import-text'), { target: { value: 'Jane <jane@corp.com>, tom@ops.example' } });
    await settle();
    expect(backend.inspectImport).toHaveBeenCalledTimes(1);
    expect(backend.inspectImport.mock.calls[0]![0].source).toEqual({ kind: 'text', text: 'Jane <jane@corp.com>, tom@ops.example' });
    expect((await screen.findByTestId('import-source-label')).textContent).toBe('Addresses');
    // No columns to map, and the encoding of pasted text says nothing.
    expect(screen.queryByTestId('import-mapping')).toBeNull();
    expect(screen.queryByTestId('import-encoding')).toBeNull();
    expect(lastRequest(backend).mapping).toBeNull();
  });

  it('takes the file chosen in the open dialog', async () => {
    const backend = setUp({ chooseImportFile: async () => '/home/sam/contacts.vcf' });
    await fireEvent.click(screen.getByTestId('import-browse'));
    await settle();
    expect((screen.getByTestId('import-path') as HTMLInputElement).value).toBe('/home/sam/contacts.vcf');
    expect(backend.inspectImport.mock.calls[0]![0].source).toEqual({ kind: 'file', path: '/home/sam/contacts.vcf' });
  });

  it('replaces the source with a file dropped on the window', async () => {
    const backend = setUp();
    await choosePath();
    droppedFiles.drop('/home/sam/Desktop/apple.vcf');
    await settle();
    expect((screen.getByTestId('import-path') as HTMLInputElement).value).toBe('/home/sam/Desktop/apple.vcf');
    expect(backend.inspectImport).toHaveBeenLastCalledWith(expect.objectContaining({ source: { kind: 'file', path: '/home/sam/Desktop/apple.vcf' } }));
    expect(droppedFiles.pending).toBeNull();
  });
});

describe('Import people: columns and options', () => {
  it('sends a changed mapping, moves a field already used, and says Email must be mapped', async () => {
    const backend = setUp();
    await choosePath();
    const before = backend.startImport.mock.calls.length;

    selectOption(mappingSelect('Company'), 'team');
    await settle();
    expect(lastRequest(backend).mapping).toEqual(['first_name', 'last_name', 'team', 'email']);
    expect(backend.startImport.mock.calls.length).toBe(before + 1);

    // Email from the first column: the column that had it is no longer imported, so no column is
    // left with the addresses… and nothing is previewed until one is.
    selectOption(mappingSelect('Last Name'), 'email');
    await settle(0);
    expect(mappingSelect('E-mail Address').value).toBe('');
    expect(screen.getByTestId('import-mapping-note').textContent).toContain('“E-mail Address” is no longer imported');
    selectOption(mappingSelect('Last Name'), '');
    await settle();
    expect(screen.getByTestId('import-mapping-problem').textContent).toContain('No column is mapped to Email');
    expect(screen.getByTestId('import-run-button')).toHaveProperty('disabled', true);
    expect(backend.startImport.mock.calls.length).toBe(before + 1);

    await fireEvent.click(screen.getByTestId('import-mapping-reset'));
    await settle();
    expect(lastRequest(backend).mapping).toEqual(['first_name', 'last_name', 'organisation', 'email']);
    expect(screen.queryByTestId('import-mapping-problem')).toBeNull();
  });

  it('asks for the email column when the guess found none, and previews once it is chosen', async () => {
    const backend = setUp({
      inspectImport: async () =>
        importSummary({
          source_label: 'CSV',
          encoding: 'UTF-8',
          columns: ['Nom', 'Courriel'],
          mapping: ['name', null],
          samples: [['Renée Dubois', 'renee.dubois@sgs.example']],
        }),
    });
    await choosePath('/home/sam/contacts-fr.csv');
    expect(screen.getByTestId('import-mapping-problem').textContent).toContain('No column is mapped to Email');
    expect(screen.getByTestId('import-preview-blocked')).toBeTruthy();
    expect(backend.startImport).not.toHaveBeenCalled();

    selectOption(mappingSelect('Courriel'), 'email');
    await settle();
    expect(lastRequest(backend).mapping).toEqual(['name', 'email']);
    expect(screen.queryByTestId('import-mapping-problem')).toBeNull();
    await waitFor(() => expect(tableRows()).toHaveLength(5));
  });

  it('lets several columns feed the notes', async () => {
    const backend = setUp();
    await choosePath();
    selectOption(mappingSelect('First Name'), 'notes');
    selectOption(mappingSelect('Company'), 'notes');
    await settle();
    expect(lastRequest(backend).mapping).toEqual(['notes', 'last_name', 'notes', 'email']);
  });

  it('sends the audience of new people and the overwrite choice', async () => {
    const backend = setUp();
    await choosePath();
    selectOption(screen.getByTestId('import-audience'), 'security_colleague');
    await fireEvent.click(screen.getByTestId('import-overwrite'));
    await settle();
    expect(lastRequest(backend)).toMatchObject({ audience: 'security_colleague', overwrite: true, choices: [] });
  });
});

describe('Import people: the preview', () => {
  it('counts every class, and the counts filter the table', async () => {
    setUp();
    await choosePath();
    await waitFor(() => expect(tableRows()).toHaveLength(5));
    const counts = screen.getAllByTestId('import-count');
    const count = (c: string) => counts.find((b) => b.dataset.class === c)!;
    expect(count('all').textContent).toContain('5');
    expect(count('new').textContent).toMatch(/New\s*2/);
    expect(count('updated').textContent).toMatch(/Updated\s*1/);
    expect(count('duplicate').textContent).toMatch(/Duplicate\s*1/);
    expect(count('invalid').textContent).toMatch(/Invalid\s*1/);
    expect(count('all').getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(count('duplicate'));
    expect(tableRows().map((r) => r.dataset.row)).toEqual(['5']);
    expect(count('duplicate').getAttribute('aria-pressed')).toBe('true');
    expect(count('all').getAttribute('aria-pressed')).toBe('false');
    expect(tableRows()[0]!.textContent).toContain('The same email as row 2 of this file.');

    await fireEvent.click(count('new'));
    expect(tableRows().map((r) => r.dataset.row)).toEqual(['2', '3']);
    await fireEvent.click(count('all'));
    expect(tableRows()).toHaveLength(5);
  });

  it('sends a row’s audience and a row’s replace choice with the next preview and the import', async () => {
    const backend = setUp();
    await choosePath();
    await waitFor(() => expect(tableRows()).toHaveLength(5));

    const renee = tableRows()[0]!;
    const audience = within(renee).getByTestId('import-row-audience') as HTMLSelectElement;
    expect(audience.value).toBe('third_party');
    expect(audience.getAttribute('aria-label')).toBe('Audience of Renée Dubois, row 2');
    selectOption(audience, 'management');

    const jane = tableRows()[2]!;
    expect(within(jane).queryByTestId('import-row-audience')).toBeNull();
    const replace = within(jane).getByTestId('import-row-overwrite') as HTMLInputElement;
    expect(replace.checked).toBe(false);
    expect(jane.textContent).toContain('organisation:');
    expect(jane.textContent).toContain('Corp');
    expect(jane.textContent).toContain('Corp Ltd');
    await fireEvent.click(replace);
    await settle();

    expect(lastRequest(backend).choices).toEqual([
      { row: 2, audience: 'management', overwrite: false },
      { row: 4, audience: null, overwrite: true },
    ]);
    await fireEvent.click(screen.getByTestId('import-run-button'));
    await settle();
    expect(lastRequest(backend, true).choices).toEqual([
      { row: 2, audience: 'management', overwrite: false },
      { row: 4, audience: null, overwrite: true },
    ]);
  });

  it('shows a long preview’s progress, and Stop cancels it', async () => {
    let done = false;
    const backend = setUp({
      importStatus: async () => (done ? jobFailed('cancelled', 'The import was stopped; nothing was changed.') : jobRunning(12_500, 3_400_000, 10_000_000)),
      cancelImport: async () => {
        done = true;
      },
    });
    await choosePath();
    const progress = await screen.findByTestId('import-preview-progress');
    expect(within(progress).getByTestId('import-preview-progress-text').textContent).toBe('12,500 rows read · 34%');
    expect(within(progress).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('34');

    await fireEvent.click(within(progress).getByTestId('import-preview-progress-cancel'));
    expect(backend.cancelImport).toHaveBeenCalledWith('preview-1');
    await settle();
    expect((await screen.findByTestId('import-preview-stopped')).textContent).toContain('stopped');
    expect(screen.getByTestId('import-run-button')).toHaveProperty('disabled', true);
  });

  it('cancels the previous preview when a change starts a new one', async () => {
    let previews = 0;
    const backend = setUp({
      startImport: async () => `preview-${++previews}`,
      importStatus: async (job) => (job === 'preview-1' ? jobRunning(500) : jobPreview(importPreview(rows))),
    });
    await choosePath();
    selectOption(mappingSelect('Company'), 'team');
    await settle();
    expect(backend.cancelImport).toHaveBeenCalledWith('preview-1');
    await waitFor(() => expect(tableRows()).toHaveLength(5));
  });

  it('says when only the first rows are listed, and lists them 200 at a time', async () => {
    const many = Array.from({ length: 450 }, (_, i) => importRow({ row: i + 2, email: `p${i}@corp.com`, name: `Person ${i}` }));
    setUp({}, importPreview(many, { counts: { new: 12_000, updated: 0, duplicate: 0, invalid: 0 } }, true));
    await choosePath();
    expect((await screen.findByTestId('import-more-rows')).textContent).toContain('Listing 450 of 12,000 rows: the first 2,000 of each kind. The counts cover every row.');
    expect(tableRows()).toHaveLength(200);
    await fireEvent.click(screen.getByTestId('import-show-more'));
    expect(tableRows()).toHaveLength(400);
    await fireEvent.click(screen.getByTestId('import-show-more'));
    expect(tableRows()).toHaveLength(450);
    expect(screen.queryByTestId('import-show-more')).toBeNull();
  });

  it('shows the template a mailmerge project will save', async () => {
    const template = {
      name: 'mailmerge',
      subject: 'Thank you, {{ person.name }}',
      body: 'Hi',
      warnings: ['The column “number” has no Afterword field: it was left out.'],
      problem: null,
      exists: false,
    };
    const summary = importSummary({ format: 'mailmerge', source_label: 'mailmerge project', template });
    setUp({ inspectImport: async () => summary }, importPreview(rows.slice(0, 2), { format: 'mailmerge', template }));
    await choosePath('/home/sam/project');
    const box = await screen.findByTestId('import-template');
    expect(box.textContent).toContain('mailmerge');
    expect(box.textContent).toContain('will be saved');
    expect(box.textContent).toContain('Thank you, {{ person.name }}');
    expect(box.textContent).toContain('has no Afterword field');
    expect(screen.getByTestId('import-run-button').textContent).toContain('Import 2 people');
  });

  it('can save a mailmerge project’s new template even when every person is known already', async () => {
    const template = { name: 'mailmerge', subject: 'Thanks', body: 'Hi', warnings: [], problem: null, exists: false };
    const known = rows.slice(0, 2).map((r) => ({ ...r, class: 'duplicate' as const, audience: null }));
    setUp(
      { inspectImport: async () => importSummary({ format: 'mailmerge', source_label: 'mailmerge project', template }) },
      importPreview(known, { format: 'mailmerge', template }),
    );
    await choosePath('/home/sam/project');
    await screen.findByTestId('import-template');
    const button = screen.getByTestId('import-run-button') as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(button.textContent).toContain('Save the template');
    expect(screen.getByTestId('import-run-reason').textContent).toContain('Saves the project’s template');
  });
});

describe('Import people: the import', () => {
  it('cannot import when nothing is new, and says why', async () => {
    const duplicates = rows.map((r) => ({ ...r, class: 'duplicate' as const, audience: null, reason: 'Known as someone; nothing new.' }));
    setUp({}, importPreview(duplicates));
    await choosePath();
    await waitFor(() => expect(tableRows()).toHaveLength(5));
    const button = screen.getByTestId('import-run-button') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(screen.getByTestId('import-run-reason').textContent!.trim()).toBe('Nothing new to import');
    expect(button.getAttribute('aria-describedby')).toBe('import-run-reason');
  });

  it('imports what the preview showed, then shows the result and a toast, and focuses the result', async () => {
    const preview = importPreview(rows);
    const backend = setUp({}, preview);
    await choosePath();
    await waitFor(() => expect(tableRows()).toHaveLength(5));
    const button = screen.getByTestId('import-run-button') as HTMLButtonElement;
    expect(button.textContent).toContain('Import 3 people');
    expect(button.disabled).toBe(false);

    await fireEvent.click(button);
    await settle();
    expect(lastRequest(backend, true)).toEqual(lastRequest(backend, false));

    const result = await screen.findByTestId('import-result');
    expect(screen.getByTestId('import-result-title').textContent).toBe('Imported 2 new and 1 updated person.');
    expect(result.textContent).toContain('outlook_cp1252.csv');
    expect(toasts.current?.message).toBe('Imported 2 new and 1 updated person.');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('import-result-title')));
    expect(screen.getByTestId('import-result-people').getAttribute('href')).toBe('#/people');
    expect(screen.queryByTestId('import-source')).toBeNull();

    // "Import another file": an empty wizard, ready for the next path.
    await fireEvent.click(screen.getByTestId('import-again'));
    const path = (await screen.findByTestId('import-path')) as HTMLInputElement;
    expect(path.value).toBe('');
    await waitFor(() => expect(document.activeElement).toBe(path));
    expect(screen.queryByTestId('import-result')).toBeNull();
  });

  it('cancels a running import: Cancel asks the backend to stop, and nothing is lost', async () => {
    let stopped = false;
    const preview = importPreview(rows);
    const backend = setUp({
      importStatus: async (job) =>
        job === 'preview-1' ? jobPreview(preview) : stopped ? jobFailed('cancelled', 'The import was stopped; nothing was changed.') : jobRunning(1_000),
      cancelImport: async () => {
        stopped = true;
      },
    });
    await choosePath();
    await waitFor(() => expect(tableRows()).toHaveLength(5));
    await fireEvent.click(screen.getByTestId('import-run-button'));
    await settle(300);

    const progress = await screen.findByTestId('import-progress');
    expect(within(progress).getByTestId('import-progress-text').textContent).toBe('1,000 rows read');
    // While it runs nothing else can change.
    expect(mappingSelect('Company').disabled).toBe(true);

    await fireEvent.click(within(progress).getByTestId('import-progress-cancel'));
    expect(backend.cancelImport).toHaveBeenCalledWith('import-1');
    await settle();
    expect((await screen.findByTestId('import-run-stopped')).textContent).toContain('nothing was changed');
    expect(screen.queryByTestId('import-result')).toBeNull();
    // The preview and the choices are still there, and the import can be tried again.
    expect(tableRows()).toHaveLength(5);
    expect(screen.getByTestId('import-run-button')).toHaveProperty('disabled', false);
  });

  it('Esc stops a running import too', async () => {
    const preview = importPreview(rows);
    const backend = setUp({
      importStatus: async (job) => (job === 'preview-1' ? jobPreview(preview) : jobRunning(10)),
    });
    await choosePath();
    await waitFor(() => expect(tableRows()).toHaveLength(5));
    await fireEvent.click(screen.getByTestId('import-run-button'));
    await settle(300);
    await screen.findByTestId('import-progress');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(backend.cancelImport).toHaveBeenCalledWith('import-1');
  });

  it('shows a failed import in place, keeping the preview', async () => {
    const preview = importPreview(rows);
    setUp({
      importStatus: async (job) => (job === 'preview-1' ? jobPreview(preview) : jobFailed('database', 'The database is locked by another program.')),
    });
    await choosePath();
    await waitFor(() => expect(tableRows()).toHaveLength(5));
    await fireEvent.click(screen.getByTestId('import-run-button'));
    await settle();
    const error = await screen.findByTestId('import-run-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('The database is locked by another program.');
    expect(tableRows()).toHaveLength(5);
  });

  it('starts afresh when the person comes back after seeing the result, but keeps the work while an import runs', async () => {
    const preview = importPreview(rows);
    let finish = false;
    const backend = fakeBackend({
      inspectImport: async () => importSummary(),
      startImport: async (_request, apply) => (apply ? 'import-1' : 'preview-1'),
      importStatus: async (job) =>
        job === 'preview-1' ? jobPreview(preview) : finish ? jobReport({ summary: preview.summary }) : jobRunning(100),
      cancelImport: async () => {},
    });
    const first = render(ImportScreen, withBackend(backend));
    await choosePath();
    await waitFor(() => expect(tableRows()).toHaveLength(5));
    await fireEvent.click(screen.getByTestId('import-run-button'));
    await settle(300);
    // Away (to look someone up) while it runs; it finishes meanwhile, with a toast.
    first.unmount();
    finish = true;
    await settle();
    expect(toasts.current?.message).toBe('Imported 2 new and 1 updated person.');

    // Back: the result it has not seen yet, not taking focus from the heading.
    const second = render(ImportScreen, withBackend(backend));
    expect(await screen.findByTestId('import-result')).toBeTruthy();
    await settle(100);
    expect(document.activeElement).not.toBe(screen.getByTestId('import-result-title'));
    second.unmount();

    // Back again, having seen it: an empty wizard, which works as the first one did.
    render(ImportScreen, withBackend(backend));
    expect(screen.queryByTestId('import-result')).toBeNull();
    expect((screen.getByTestId('import-path') as HTMLInputElement).value).toBe('');
    await choosePath();
    await waitFor(() => expect(tableRows()).toHaveLength(5));
    selectOption(mappingSelect('Company'), 'team');
    await settle();
    expect(lastRequest(backend).mapping).toEqual(['first_name', 'last_name', 'team', 'email']);
    expect(screen.getByTestId('import-run-button')).toHaveProperty('disabled', false);
  });
});
