import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import ReportsScreen from './ReportsScreen.svelte';
import { ApiError, type Backend } from '../../lib/api';
import { toasts } from '../../lib/toast.svelte';
import type { ContributorPreview, ReportFilter, SavedReport } from '../../lib/types';
import {
  contributorPreview,
  contributorSummary,
  fakeBackend,
  incident,
  invalid,
  recognitionDocument,
  reportContribution,
  reportIncident,
  selectOption,
  withBackend,
  type FakeBackend,
} from '../../test/fake';

/** The day the tests run on: "This year" is 2026, "This quarter" Oct–Dec 2026. */
const TODAY = new Date(2026, 10, 25, 10, 0, 0);

const THIS_YEAR: ReportFilter = {
  incident: null,
  person: null,
  from: '2026-01-01',
  to: '2026-12-31',
  kinds: [],
  statuses: [],
  teams: [],
  organisations: [],
  include_internal: false,
  group_by: 'organisation',
};

function setUp(overrides: Partial<Backend> = {}, props: { incident?: string; person?: string } = {}): FakeBackend {
  const backend = fakeBackend({
    contributorReportPreview: async () => contributorPreview(),
    recognitionReportPreview: async () => recognitionDocument(),
    listIncidents: async () => ({ incidents: [incident({ id: 'i42', reference: 'INC-2026-0042' })], total: 1 }),
    openFolder: async () => {},
    ...overrides,
  });
  render(ReportsScreen, withBackend(backend, props));
  return backend;
}

/** Lets the preview's pause and the answers run. */
async function settle(ms = 400) {
  await vi.advanceTimersByTimeAsync(ms);
}

function lastFilter(backend: FakeBackend): ReportFilter {
  const calls = backend.contributorReportPreview.mock.calls;
  expect(calls.length, 'contributorReportPreview was called').toBeGreaterThan(0);
  return calls[calls.length - 1]![0];
}

/** A promise with its resolve and reject at hand, for answers that arrive when a test says. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

async function typeChip(testid: string, name: string) {
  const input = screen.getByTestId(`${testid}-input`) as HTMLInputElement;
  await fireEvent.input(input, { target: { value: name } });
  await fireEvent.keyDown(input, { key: 'Enter' });
}

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true, now: TODAY });
});

afterEach(() => {
  toasts.dismiss();
});

describe('Reports: the filters', () => {
  it('starts on this year’s contributor report and previews it once', async () => {
    const backend = setUp();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Reports');
    await settle();
    expect(backend.contributorReportPreview).toHaveBeenCalledTimes(1);
    expect(lastFilter(backend)).toEqual(THIS_YEAR);
    expect(screen.getByTestId('report-preset-this_year').getAttribute('aria-pressed')).toBe('true');
    expect((screen.getByTestId('report-from') as HTMLInputElement).value).toBe('2026-01-01');
    expect((screen.getByTestId('report-to') as HTMLInputElement).value).toBe('2026-12-31');
    await screen.findByTestId('contributor-report');
    expect(screen.getByTestId('report-announcement').textContent).toBe(
      'Preview: 1 incident, 2 contributions from 2 contributors.',
    );
  });

  it('sends what the filters say, once the changes pause', async () => {
    const backend = setUp();
    await settle();
    backend.contributorReportPreview.mockClear();

    await fireEvent.click(screen.getByTestId('report-preset-last_quarter'));
    await fireEvent.click(screen.getByTestId('report-filter-kind-phishing_report'));
    await fireEvent.click(screen.getByTestId('report-filter-kind-security_incident'));
    await fireEvent.click(screen.getByTestId('report-filter-status-closed'));
    await typeChip('report-teams', 'Network');
    await typeChip('report-teams', ' network ');
    await typeChip('report-organisations', 'Müller & Söhne');
    await fireEvent.click(screen.getByTestId('report-group-by-team'));
    await fireEvent.click(screen.getByTestId('report-internal'));
    await settle();

    // One request for the lot, in the kinds' own order, the second "network" not added again.
    expect(backend.contributorReportPreview).toHaveBeenCalledTimes(1);
    expect(lastFilter(backend)).toEqual({
      ...THIS_YEAR,
      from: '2026-07-01',
      to: '2026-09-30',
      kinds: ['security_incident', 'phishing_report'],
      statuses: ['closed'],
      teams: ['Network'],
      organisations: ['Müller & Söhne'],
      include_internal: true,
      group_by: 'team',
    });
    expect(screen.getByTestId('report-internal-warning').textContent).toMatch(/must not leave the team/);
    expect(screen.getAllByTestId('report-teams-chip').map((c) => c.textContent?.trim())).toEqual(['Network']);

    // A chip's remove button, and Backspace in the empty field, take names out again.
    await fireEvent.click(within(screen.getByTestId('report-teams')).getByRole('button', { name: 'Remove Network' }));
    await fireEvent.keyDown(screen.getByTestId('report-organisations-input'), { key: 'Backspace' });
    await settle();
    expect(lastFilter(backend)).toMatchObject({ teams: [], organisations: [] });
  });

  it('takes typed dates and the other presets', async () => {
    const backend = setUp();
    await settle();
    await fireEvent.input(screen.getByTestId('report-from'), { target: { value: '2026-02-01' } });
    await settle();
    expect(lastFilter(backend)).toMatchObject({ from: '2026-02-01', to: '2026-12-31' });
    expect(screen.getByTestId('report-preset-this_year').getAttribute('aria-pressed')).toBe('false');

    await fireEvent.click(screen.getByTestId('report-preset-this_quarter'));
    await settle();
    expect(lastFilter(backend)).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
    await fireEvent.click(screen.getByTestId('report-preset-last_year'));
    await settle();
    expect(lastFilter(backend)).toMatchObject({ from: '2025-01-01', to: '2025-12-31' });
    await fireEvent.click(screen.getByTestId('report-preset-all_time'));
    await settle();
    expect(lastFilter(backend)).toMatchObject({ from: null, to: null });
  });

  it('for one incident: searches the incidents, previews the one chosen, leaves out the period and kinds', async () => {
    const backend = setUp();
    await settle();
    await fireEvent.click(screen.getByTestId('report-filter-kind-phishing_report'));
    backend.contributorReportPreview.mockClear();

    await fireEvent.click(screen.getByTestId('report-scope-incident'));
    await settle();
    // Nothing to preview until an incident is chosen.
    expect(backend.contributorReportPreview).not.toHaveBeenCalled();
    expect(screen.getByText('Choose an incident')).toBeTruthy();
    expect((screen.getByTestId('report-save') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByTestId('report-filter-kind-phishing_report')).toBeNull();

    const input = screen.getByTestId('report-incident-input');
    await fireEvent.focus(input);
    await fireEvent.input(input, { target: { value: 'phish' } });
    await settle();
    expect(backend.listIncidents).toHaveBeenCalledWith({ statuses: [], kinds: [], text: 'phish', limit: 8, offset: null });
    const option = await screen.findByTestId('report-incident-option');
    expect(option.textContent).toContain('INC-2026-0042');
    await fireEvent.keyDown(input, { key: 'Enter' });
    await settle();

    expect(screen.getByTestId('report-incident-chosen').textContent).toContain('Phishing wave against finance');
    expect(document.activeElement).toBe(screen.getByTestId('report-incident-change'));
    expect(backend.contributorReportPreview).toHaveBeenCalledTimes(1);
    expect(lastFilter(backend)).toEqual({ ...THIS_YEAR, incident: 'INC-2026-0042', from: null, to: null });

    // Change: back to the search box.
    await fireEvent.click(screen.getByTestId('report-incident-change'));
    expect(document.activeElement).toBe(screen.getByTestId('report-incident-input'));
  });

  it('starts on the incident named in the address', async () => {
    const backend = setUp({}, { incident: 'INC-2026-0042' });
    await settle();
    expect(lastFilter(backend)).toEqual({ ...THIS_YEAR, incident: 'INC-2026-0042', from: null, to: null });
    expect((screen.getByTestId('report-scope-incident') as HTMLInputElement).checked).toBe(true);
    // Its title comes from the report it heads.
    await waitFor(() =>
      expect(screen.getByTestId('report-incident-chosen').textContent).toContain('Phishing wave against finance'),
    );
  });

  it('starts on a person’s contributions of all time, shown as a chip that can be removed', async () => {
    const backend = setUp({}, { person: 'jane@corp.com' });
    await settle();
    expect(lastFilter(backend)).toEqual({ ...THIS_YEAR, person: 'jane@corp.com', from: null, to: null });
    expect(screen.getByTestId('report-person').textContent).toContain('jane@corp.com');

    await fireEvent.click(screen.getByTestId('report-person-remove'));
    await settle();
    expect(screen.queryByTestId('report-person')).toBeNull();
    expect(lastFilter(backend)).toMatchObject({ person: null });
  });
});

describe('Reports: the preview', () => {
  it('shows the cover, the totals with separators, the charts and each incident’s contributors', async () => {
    const big = contributorPreview({
      summary: contributorSummary({
        totals: { incidents: 26, contributions: 12_345, contributors: 1_204, thanked: 1_000, queued: 150, not_thanked: 54 },
      }),
      incidents: [reportIncident({ omitted: 3 })],
      more_incidents: 24,
    });
    setUp({ contributorReportPreview: async () => big });
    await settle();

    expect(screen.getByTestId('report-title').textContent).toBe('Contributor report');
    expect(screen.getByTestId('report-cover').textContent).toContain('Sam Analyst');
    expect(screen.getByTestId('report-cover-filters').textContent).toContain('Incidents opened 1 Jan 2026 – 31 Dec 2026');
    expect(screen.getByTestId('report-total-contributions').textContent).toBe('12,345');
    expect(screen.getByTestId('report-total-contributors').textContent).toBe('1,204');

    // Charts: words for every bar, not colour alone.
    expect(screen.getByTestId('report-by-group').textContent).toContain('Contributions by organisation');
    expect(screen.getByTestId('report-by-group-count').textContent).toBe('2 contributions');
    expect(screen.getByTestId('report-thanked-thanked').textContent).toMatch(/Thanked\s*1,000\s*\(83%\)/);
    expect(screen.getByTestId('report-thanked-queued').textContent).toMatch(/On its way\s*150\s*\(12%\)/);
    expect(screen.getByTestId('report-thanked-not_thanked').textContent).toMatch(/Not yet\s*54\s*\(4%\)/);

    const block = screen.getByTestId('report-incident-block');
    expect(block.textContent).toContain('INC-2026-0042');
    expect(within(block).getByTestId('report-incident-tlp').textContent).toBe('TLP:AMBER');
    expect(within(block).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Contributor',
      'Organisation / team',
      'Credit role',
      'What they gave',
      'Impact',
      'Thanked',
    ]);
    const rows = within(block).getAllByTestId('report-contribution');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('jane@corp.com');
    expect(rows[0]!.textContent).toContain('Showed which mailboxes clicked the link');
    expect(within(rows[0]!).getByTestId('report-thanked').textContent).toMatch(/Thanked\s*10 Nov 2026/);
    expect(within(rows[1]!).getByTestId('report-thanked').textContent?.trim()).toBe('On its way');
    expect(screen.getByTestId('report-incident-omitted').textContent?.trim()).toBe('and 3 more contributions in the saved report');
    expect(screen.getByTestId('report-more-incidents').textContent?.trim()).toBe('and 24 more incidents in the saved report');
  });

  it('shows people who have not consented to be named under their pseudonym, in italics, saying why', async () => {
    setUp();
    await settle();
    const pseudonym = await screen.findByTestId('report-pseudonym');
    expect(pseudonym.tagName).toBe('EM');
    expect(pseudonym.getAttribute('title')).toBe('Has not consented to be named');
    expect(pseudonym.textContent).toBe('Contributor 2, IT Operations (has not consented to be named)');
    // No email for them.
    const row = pseudonym.closest('tr')!;
    expect(row.textContent).not.toContain('@');
  });

  it('shows the internal-only fields only when the report includes them', async () => {
    const withNotes = contributorPreview({
      summary: contributorSummary({ include_internal: true }),
      incidents: [
        reportIncident({
          summary: 'Credential phishing, 2 clicks.',
          contributions: [reportContribution({ notes: 'Prefers Teams', constraints: 'Change freeze until Friday' })],
        }),
      ],
    });
    setUp({ contributorReportPreview: async () => withNotes });
    await settle();
    expect(screen.getByTestId('report-cover-internal')).toBeTruthy();
    expect(screen.getByTestId('report-incident-summary').textContent).toContain('Credential phishing, 2 clicks.');
    expect(screen.getByTestId('report-contribution').textContent).toContain('Change freeze until Friday');
  });

  it('keeps only the answer to the latest request', async () => {
    const slow = deferred<ContributorPreview>();
    const answers = [slow.promise, Promise.resolve(contributorPreview({ summary: contributorSummary({ title: 'Newer' }) }))];
    const backend = setUp({ contributorReportPreview: () => answers.shift()! });
    await settle();
    expect(backend.contributorReportPreview).toHaveBeenCalledTimes(1);

    await fireEvent.click(screen.getByTestId('report-preset-last_year'));
    await settle();
    expect(backend.contributorReportPreview).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId('report-title').textContent).toBe('Newer');

    // The first request answers last: it is dropped.
    slow.resolve(contributorPreview({ summary: contributorSummary({ title: 'Older' }) }));
    await settle();
    expect(screen.getByTestId('report-title').textContent).toBe('Newer');
  });

  it('says when nothing matches and offers to widen the report', async () => {
    const none = contributorPreview({
      summary: contributorSummary({
        totals: { incidents: 0, contributions: 0, contributors: 0, thanked: 0, queued: 0, not_thanked: 0 },
        by_group: [],
        by_role: [],
      }),
      incidents: [],
    });
    const backend = setUp({ contributorReportPreview: async () => none });
    await settle();
    await fireEvent.click(screen.getByTestId('report-filter-status-closed'));
    await settle();
    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain('No contributions match these filters');

    await fireEvent.click(screen.getByTestId('report-widen'));
    await settle();
    expect(lastFilter(backend)).toEqual({ ...THIS_YEAR, from: null, to: null });
  });

  it('shows a date the backend refuses at that date field', async () => {
    const message = 'The end date 2026-01-01 is before the start date 2026-12-31; swap them or pick a later end.';
    const backend = setUp({
      contributorReportPreview: async (filter) => {
        if (filter.to === '2026-01-01') throw invalid('to', message);
        return contributorPreview();
      },
    });
    await settle();
    await fireEvent.input(screen.getByTestId('report-to'), { target: { value: '2026-01-01' } });
    await settle();

    const error = await screen.findByRole('alert');
    expect(error.textContent).toBe(message);
    expect(error.id).toBe('report-to-error');
    const to = screen.getByTestId('report-to');
    expect(to.getAttribute('aria-invalid')).toBe('true');
    expect(to.getAttribute('aria-describedby')).toBe('report-to-error');
    expect(screen.getByTestId('report-from').getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByTestId('contributor-report')).toBeNull();
    expect(screen.getByTestId('report-preview-fix')).toBeTruthy();

    // Fixed: the error goes, the preview comes back.
    await fireEvent.input(to, { target: { value: '2026-12-31' } });
    await settle();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('contributor-report')).toBeTruthy();
    expect(backend.contributorReportPreview).toHaveBeenCalledTimes(3);
  });

  it('shows an unknown incident at the incident', async () => {
    setUp({
      contributorReportPreview: async () => {
        throw new ApiError('not_found', 'No incident INC-2026-9999.');
      },
    }, { incident: 'INC-2026-9999' });
    await settle();
    const error = await screen.findByRole('alert');
    expect(error.textContent).toBe('No incident INC-2026-9999.');
    expect(error.dataset.field).toBe('incident');
    expect(screen.getByTestId('report-incident-chosen').textContent).toContain('INC-2026-9999');
  });

  it('explains any other failure, with Try again', async () => {
    let fail = true;
    const backend = setUp({
      contributorReportPreview: async () => {
        if (fail) throw new ApiError('database', 'The database is busy.');
        return contributorPreview();
      },
    });
    await settle();
    expect((await screen.findByTestId('report-preview-error')).textContent).toContain('The database is busy.');
    fail = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await settle();
    expect(screen.getByTestId('contributor-report')).toBeTruthy();
    expect(backend.contributorReportPreview).toHaveBeenCalledTimes(2);
  });
});

describe('Reports: recognition', () => {
  it('ranks the top people and lists the teams; Top N goes with the request', async () => {
    const backend = setUp();
    await settle();
    await fireEvent.click(screen.getByTestId('report-internal'));
    await fireEvent.click(screen.getByTestId('report-kind-recognition'));
    await settle();

    expect(backend.recognitionReportPreview).toHaveBeenCalledTimes(1);
    // No internal-only fields in a recognition report, whatever the contributor report had.
    expect(backend.recognitionReportPreview).toHaveBeenLastCalledWith({ ...THIS_YEAR, include_internal: false }, 10);
    expect(screen.getByTestId('recognition-report')).toBeTruthy();
    const people = screen.getAllByTestId('recognition-person');
    expect(people).toHaveLength(2);
    expect(people[0]!.textContent).toContain('Jane Whitfield');
    expect(people[0]!.textContent).toContain('INC-2026-0042');
    expect(people[0]!.textContent).toContain('TLP:AMBER');
    expect(within(people[1]!).getByTestId('report-pseudonym').tagName).toBe('EM');
    expect(screen.getAllByTestId('recognition-team').map((r) => r.querySelector('th')?.textContent)).toEqual([
      'Network',
      'IT Operations',
    ]);
    expect(screen.queryByTestId('report-internal')).toBeNull();

    await fireEvent.input(screen.getByTestId('report-top'), { target: { value: '5' } });
    await settle();
    expect(backend.recognitionReportPreview).toHaveBeenLastCalledWith({ ...THIS_YEAR, include_internal: false }, 5);

    // A Top N that is no number is said at the field and asks for nothing.
    backend.recognitionReportPreview.mockClear();
    await fireEvent.input(screen.getByTestId('report-top'), { target: { value: '-2' } });
    await settle();
    expect(backend.recognitionReportPreview).not.toHaveBeenCalled();
    expect(screen.getByTestId('report-top').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toMatch(/whole number/);
  });
});

describe('Reports: saving', () => {
  it('does nothing when the save dialog is cancelled', async () => {
    const backend = setUp({ chooseReportFile: async () => null, saveReport: vi.fn() });
    await settle();
    await fireEvent.click(screen.getByTestId('report-save'));
    await settle();
    expect(backend.chooseReportFile).toHaveBeenCalledWith('pdf', 'contributors-2026-01-01-to-2026-12-31.pdf');
    expect(backend.saveReport).not.toHaveBeenCalled();
    expect(toasts.current).toBeNull();
    expect(screen.queryByTestId('report-save-error')).toBeNull();
    expect((screen.getByTestId('report-save') as HTMLButtonElement).disabled).toBe(false);
  });

  it('writes the report where chosen, busy meanwhile, then offers to show the folder', async () => {
    const writing = deferred<SavedReport>();
    const big = contributorPreview({
      summary: contributorSummary({
        totals: { incidents: 26, contributions: 12_345, contributors: 1_204, thanked: 1_000, queued: 150, not_thanked: 54 },
      }),
    });
    const backend = setUp({
      contributorReportPreview: async () => big,
      chooseReportFile: async () => '/home/sam/Reports/report.pdf',
      saveReport: () => writing.promise,
    });
    await settle();
    await fireEvent.click(screen.getByTestId('report-save'));
    await settle(0);

    expect(backend.saveReport).toHaveBeenCalledWith({ kind: 'contributors' }, THIS_YEAR, 'pdf', '/home/sam/Reports/report.pdf');
    const button = screen.getByTestId('report-save') as HTMLButtonElement;
    expect(button.textContent).toContain('Saving…');
    // It keeps focus while the report is written, but does nothing when pressed again.
    expect(button.getAttribute('aria-disabled')).toBe('true');
    await fireEvent.click(button);
    expect(backend.chooseReportFile).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('report-save-status').textContent).toBe('Writing 12,345 contributions…');
    expect((screen.getByTestId('report-filters') as HTMLFieldSetElement).disabled).toBe(true);
    expect((screen.getByTestId('report-format') as HTMLSelectElement).disabled).toBe(true);
    await settle(3100);
    expect(screen.getByTestId('report-save-elapsed').textContent).toBe('3 seconds');

    writing.resolve({ path: '/home/sam/Reports/report.pdf', lines: 12_345, bytes: 1_234_567 });
    await settle(0);
    expect(toasts.current?.message).toBe('Saved report.pdf (1.2 MB)');
    expect(toasts.current?.tone).toBe('success');
    expect(screen.getByTestId('report-save').textContent).toContain('Save…');
    expect(screen.getByTestId('report-save').getAttribute('aria-disabled')).toBeNull();
    expect((screen.getByTestId('report-filters') as HTMLFieldSetElement).disabled).toBe(false);
    expect(screen.getByTestId('report-save-status').textContent).toBe('');

    await toasts.current?.action?.run();
    expect(backend.openFolder).toHaveBeenCalledWith('/home/sam/Reports');
  });

  it('says what went wrong when the report cannot be written', async () => {
    setUp({
      chooseReportFile: async () => '/read-only/report.csv',
      saveReport: async () => {
        throw new ApiError('io', 'Could not write /read-only/report.csv: permission denied.');
      },
    });
    await settle();
    selectOption(screen.getByTestId('report-format'), 'csv');
    await fireEvent.click(screen.getByTestId('report-save'));
    await settle(0);
    const error = await screen.findByTestId('report-save-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('The report was not saved: Could not write /read-only/report.csv: permission denied.');
    expect(toasts.current).toBeNull();
  });

  it('saves the recognition report in the chosen format on Ctrl+S, with its own name', async () => {
    const backend = setUp({
      chooseReportFile: async () => '/tmp/recognition.md',
      saveReport: async () => ({ path: '/tmp/recognition.md', lines: 2, bytes: 812 }),
    });
    await settle();
    await fireEvent.click(screen.getByTestId('report-kind-recognition'));
    await fireEvent.input(screen.getByTestId('report-top'), { target: { value: '25' } });
    selectOption(screen.getByTestId('report-format'), 'md');
    await settle();

    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await settle(0);
    expect(backend.chooseReportFile).toHaveBeenCalledWith('md', 'recognition-2026-01-01-to-2026-12-31.md');
    expect(backend.saveReport).toHaveBeenCalledWith(
      { kind: 'recognition', top: 25 },
      { ...THIS_YEAR, include_internal: false },
      'md',
      '/tmp/recognition.md',
    );
    expect(toasts.current?.message).toBe('Saved recognition.md (812 bytes)');
  });

  it('names an incident’s report after its reference', async () => {
    const backend = setUp({ chooseReportFile: async () => null }, { incident: 'INC-2026-0042' });
    await settle();
    selectOption(screen.getByTestId('report-format'), 'csv');
    await fireEvent.click(screen.getByTestId('report-save'));
    await settle(0);
    expect(backend.chooseReportFile).toHaveBeenCalledWith('csv', 'contributors-INC-2026-0042.csv');
  });
});
