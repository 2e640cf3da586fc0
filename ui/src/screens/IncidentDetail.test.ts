import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import IncidentDetail from './IncidentDetail.svelte';
import ConfirmDialog from '../components/ConfirmDialog.svelte';
import ToastHost from '../components/ToastHost.svelte';
import { closeoutItem, closeoutOf, fakeBackend, historyEntry, incident, person, selectOption, withBackend } from '../test/fake';
import { ApiError } from '../lib/api';
import type { ContributionWithPerson, IncidentDetail as Detail } from '../lib/types';

function row(id: string, personId: string, name: string, what: string): ContributionWithPerson {
  return {
    contribution: {
      id,
      incident_id: 'i1',
      person_id: personId,
      role: 'log_provider',
      what,
      given_on: '2026-11-02',
      impact: '',
      constraints: '',
      created_at: '2026-11-03T10:00:00Z',
      updated_at: '2026-11-03T10:00:00Z',
    },
    person_name: name,
    person_email: `${personId}@corp.com`,
    person_organisation: 'Corp',
    person_audience: 'it_operations',
    person_may_be_named: true,
    person_do_not_contact: false,
  };
}

const detail: Detail = {
  incident: incident({ contribution_count: 3, contributor_count: 2 }),
  contributions: [
    row('c1', 'ann', 'Ann Lee', 'proxy logs 1–3 Nov'),
    row('c2', 'ann', 'Ann Lee', 'DNS logs'),
    row('c3', 'bo', 'Bo Chen', 'reported the mail'),
  ],
};

describe('IncidentDetail', () => {
  it('shows a big incident a page at a time, with a filter over every contributor', async () => {
    const many: Detail = {
      incident: incident({ contribution_count: 250, contributor_count: 250 }),
      contributions: Array.from({ length: 250 }, (_, n) =>
        row(`c${n}`, `p${String(n).padStart(3, '0')}`, n === 249 ? 'Zoë Ångström' : `Person ${n}`, n === 7 ? 'pulled the firewall exports' : 'reported the mail'),
      ),
    };
    const backend = fakeBackend({ getIncident: async () => many, searchPeople: async () => [] });
    render(IncidentDetail, withBackend(backend, { id: 'i1' }));

    expect(await screen.findAllByTestId('contributor')).toHaveLength(100);
    const more = screen.getByTestId('contributors-more');
    expect(more.textContent).toContain('100 of 150 left');
    await fireEvent.click(more);
    expect(screen.getAllByTestId('contributor')).toHaveLength(200);

    // The filter looks at everyone, not only the page on screen: words in any order, accents ignored.
    const filter = screen.getByTestId('contributor-filter');
    await fireEvent.input(filter, { target: { value: 'angstrom zoe' } });
    await waitFor(() => expect(screen.getAllByTestId('contributor')).toHaveLength(1));
    expect(screen.getByTestId('contributor').textContent).toContain('Zoë Ångström');
    expect(screen.getByTestId('contributor-filter-count').textContent).toContain('1 of 250');
    await fireEvent.input(filter, { target: { value: 'firewall' } });
    await waitFor(() => expect(screen.getByTestId('contributor').textContent).toContain('Person 7'));
    await fireEvent.input(filter, { target: { value: 'nobody-like-this' } });
    await waitFor(() => expect(screen.getByTestId('contributor-no-match')).toBeTruthy());
    expect(screen.queryByTestId('contributors-more')).toBeNull();
  });

  it('groups contributions by person', async () => {
    const backend = fakeBackend({ getIncident: async () => detail, searchPeople: async () => [person()] });
    render(IncidentDetail, withBackend(backend, { id: 'i1' }));

    const groups = await screen.findAllByTestId('contributor');
    expect(groups).toHaveLength(2);
    expect(groups[0]!.textContent).toContain('Ann Lee');
    expect(groups[0]!.textContent).toContain('ann@corp.com');
    expect(groups[0]!.querySelectorAll('[data-testid="contribution-row"]')).toHaveLength(2);
    expect(groups[1]!.textContent).toContain('Bo Chen');
    expect(screen.getByTestId('incident-heading').textContent).toMatch(/INC-2026-0001\s*Phishing wave against finance/);
  });

  it('asks before deleting an incident that has contributions, and offers undo', async () => {
    const backend = fakeBackend({
      getIncident: async () => detail,
      deleteIncident: async (_id, confirmed) => {
        if (!confirmed) throw new ApiError('needs_confirmation', 'INC-2026-0001 has 3 contributions from 2 people.');
        return { id: 'i1', contributions_hidden: 3 };
      },
      restoreIncident: async () => detail.incident,
    });
    const options = withBackend(backend, { id: 'i1' });
    render(IncidentDetail, options);
    render(ConfirmDialog, { context: options.context });
    render(ToastHost, { context: options.context });

    await fireEvent.click(await screen.findByTestId('delete-incident'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog.textContent).toContain('3 contributions from 2 people');
    expect(backend.deleteIncident).toHaveBeenCalledTimes(1);

    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(backend.deleteIncident).toHaveBeenLastCalledWith('i1', true));
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('Deleted INC-2026-0001');

    await fireEvent.click(screen.getByTestId('toast-undo'));
    await waitFor(() => expect(backend.restoreIncident).toHaveBeenCalledWith('i1'));
  });

  it('does nothing when the deletion is not confirmed', async () => {
    const backend = fakeBackend({
      getIncident: async () => detail,
      deleteIncident: async () => {
        throw new ApiError('needs_confirmation', 'It has contributions.');
      },
    });
    const options = withBackend(backend, { id: 'i1' });
    render(IncidentDetail, options);
    render(ConfirmDialog, { context: options.context });

    await fireEvent.click(await screen.findByTestId('delete-incident'));
    await fireEvent.click(await screen.findByTestId('confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(backend.deleteIncident).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('incident-detail')).toBeTruthy();
  });

  it('changes the status through the backend', async () => {
    const backend = fakeBackend({
      getIncident: async () => detail,
      setIncidentStatus: async (_id, status) => ({ ...detail.incident, status }),
    });
    render(IncidentDetail, withBackend(backend, { id: 'i1' }));
    const select = (await screen.findByTestId('status-select')) as HTMLSelectElement;
    expect(select.value).toBe('investigating');
    selectOption(select, 'contained');
    await waitFor(() => expect(backend.setIncidentStatus).toHaveBeenCalledWith('i1', 'contained', false));
    await waitFor(() => expect(screen.getByTestId('incident-detail').textContent).toContain('Contained'));
  });

  it('asks before closing with contributors not yet thanked, naming them, then closes', async () => {
    const backend = fakeBackend({
      getIncident: async () => detail,
      setIncidentStatus: async (_id, status, confirmed) => {
        if (!confirmed) {
          throw new ApiError('needs_confirmation', 'Not everyone has been thanked yet: Ann Lee (no message yet), Bo Chen (draft).');
        }
        return { ...detail.incident, status };
      },
    });
    const options = withBackend(backend, { id: 'i1' });
    render(IncidentDetail, options);
    render(ConfirmDialog, { context: options.context });

    selectOption(await screen.findByTestId('status-select'), 'closed');
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog.textContent).toContain('Ann Lee (no message yet), Bo Chen (draft)');
    expect(backend.setIncidentStatus).toHaveBeenCalledTimes(1);
    expect(backend.setIncidentStatus).toHaveBeenLastCalledWith('i1', 'closed', false);

    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(backend.setIncidentStatus).toHaveBeenLastCalledWith('i1', 'closed', true));
    await waitFor(() => expect((screen.getByTestId('status-select') as HTMLSelectElement).value).toBe('closed'));
  });

  it('keeps the status when closing is not confirmed', async () => {
    const backend = fakeBackend({
      getIncident: async () => detail,
      setIncidentStatus: async () => {
        throw new ApiError('needs_confirmation', 'Not everyone has been thanked yet: Bo Chen (draft).');
      },
    });
    const options = withBackend(backend, { id: 'i1' });
    render(IncidentDetail, options);
    render(ConfirmDialog, { context: options.context });

    const select = (await screen.findByTestId('status-select')) as HTMLSelectElement;
    selectOption(select, 'closed');
    await fireEvent.click(await screen.findByTestId('confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(backend.setIncidentStatus).toHaveBeenCalledTimes(1);
    expect(select.value).toBe('investigating');
  });

  it('leads to the compose screen and shows the outcome and the close-out checklist', async () => {
    const backend = fakeBackend({
      getIncident: async () => detail,
      getOutcome: async () => [],
      closeout: async () =>
        closeoutOf([
          closeoutItem({ person_id: 'ann', person_name: 'Ann Lee', state: 'approved', done: true }),
          closeoutItem({ person_id: 'bo', person_name: 'Bo Chen', state: null, message_id: null }),
        ]),
    });
    render(IncidentDetail, withBackend(backend, { id: 'i1' }));
    const button = await screen.findByTestId('compose-button');
    expect(button.getAttribute('href')).toBe('#/incidents/i1/compose');
    expect(button.textContent).toContain('Thank contributors');
    expect((await screen.findByTestId('closeout-count')).textContent).toBe('1 of 2 done');
    expect(await screen.findByTestId('outcome-editor')).toBeTruthy();
    expect(backend.getOutcome).toHaveBeenCalledWith('i1');
  });

  it('exports its report from the Reports view, and shows its history once asked', async () => {
    const backend = fakeBackend({
      getIncident: async () => detail,
      getOutcome: async () => [],
      closeout: async () => closeoutOf([]),
      incidentHistory: async () => [historyEntry({ summary: 'Status changed from Open to Investigating' })],
    });
    render(IncidentDetail, withBackend(backend, { id: 'i1' }));
    const exportLink = await screen.findByTestId('export-incident-report');
    expect(exportLink.getAttribute('href')).toBe('#/reports?incident=INC-2026-0001');
    expect(exportLink.textContent).toContain('Export report…');

    expect(backend.incidentHistory).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('incident-history-toggle'));
    const entry = await screen.findByTestId('incident-history-entry');
    expect(entry.textContent).toContain('Status changed from Open to Investigating');
    expect(backend.incidentHistory).toHaveBeenCalledWith('i1');
  });
});
