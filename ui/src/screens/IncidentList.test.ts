import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import IncidentList from './IncidentList.svelte';
import { fakeBackend, incident, withBackend } from '../test/fake';
import { incidentFilters } from '../lib/filters.svelte';
import type { IncidentFilter } from '../lib/types';

const TOTAL = 10_000;

/** A fake backend paging through TOTAL incidents, 200 at a time, the way the store does. */
function pagedBackend() {
  return fakeBackend({
    listIncidents: async (filter: IncidentFilter) => {
      const offset = filter.offset ?? 0;
      const total = filter.text.trim() ? 3 : TOTAL;
      const count = Math.max(0, Math.min(200, total - offset));
      const incidents = Array.from({ length: count }, (_, n) =>
        incident({ id: `i${offset + n}`, reference: `INC-2026-${String(offset + n + 1).padStart(5, '0')}` }),
      );
      return { incidents, total };
    },
  });
}

describe('IncidentList', () => {
  it('shows the total with separators and appends the next page on "Show more"', async () => {
    incidentFilters.statuses = [];
    incidentFilters.kind = '';
    incidentFilters.text = '';
    const backend = pagedBackend();
    render(IncidentList, withBackend(backend));

    await waitFor(() => expect(screen.getAllByTestId('incident-row')).toHaveLength(200));
    expect(screen.getByTestId('incidents-count').textContent).toBe('200 of 10,000');
    expect(screen.getByTestId('incident-count').textContent).toMatch(/Showing 200 of 10,000 incidents/);
    expect(backend.listIncidents).toHaveBeenLastCalledWith(expect.objectContaining({ offset: null }));

    const more = screen.getByTestId('incidents-more');
    expect(more.tagName).toBe('BUTTON'); // reachable with Tab, pressed with Enter or Space
    await fireEvent.click(more);
    await waitFor(() => expect(screen.getAllByTestId('incident-row')).toHaveLength(400));
    expect(backend.listIncidents).toHaveBeenLastCalledWith(expect.objectContaining({ offset: 200, text: '' }));
    const rows = screen.getAllByTestId('incident-row');
    expect(rows[0]?.dataset.reference).toBe('INC-2026-00001');
    expect(rows[200]?.dataset.reference).toBe('INC-2026-00201');
    expect(screen.getByTestId('incidents-count').textContent).toBe('400 of 10,000');

    await fireEvent.click(screen.getByTestId('incidents-more'));
    await waitFor(() => expect(screen.getAllByTestId('incident-row')).toHaveLength(600));
    expect(backend.listIncidents).toHaveBeenLastCalledWith(expect.objectContaining({ offset: 400 }));
  });

  it('starts again from the first page when the filters change, and hides "Show more" once all are shown', async () => {
    incidentFilters.statuses = [];
    incidentFilters.kind = '';
    incidentFilters.text = '';
    const backend = pagedBackend();
    render(IncidentList, withBackend(backend));
    await waitFor(() => expect(screen.getAllByTestId('incident-row')).toHaveLength(200));
    await fireEvent.click(screen.getByTestId('incidents-more'));
    await waitFor(() => expect(screen.getAllByTestId('incident-row')).toHaveLength(400));

    await fireEvent.click(screen.getByTestId('status-filter-open'));
    await waitFor(() => expect(screen.getAllByTestId('incident-row')).toHaveLength(200));
    expect(backend.listIncidents).toHaveBeenLastCalledWith(expect.objectContaining({ statuses: ['open'], offset: null }));

    const search = screen.getByTestId('incident-search') as HTMLInputElement;
    search.value = 'vpn phishing';
    await fireEvent.input(search);
    await waitFor(() => expect(screen.getAllByTestId('incident-row')).toHaveLength(3));
    expect(screen.getByTestId('incidents-count').textContent).toBe('3');
    expect(screen.queryByTestId('incidents-more')).toBeNull();
    incidentFilters.statuses = [];
    incidentFilters.text = '';
  });
});
