import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import PersonDetail from './PersonDetail.svelte';
import { fakeBackend, historyEntry, person, withBackend } from '../test/fake';

describe('PersonDetail', () => {
  it('exports their contributions from the Reports view, and shows their history once asked', async () => {
    const backend = fakeBackend({
      getPerson: async () => ({ person: person({ email: 'jane+soc@corp.com' }), contributions: [] }),
      thanksFor: async () => [],
      personHistory: async () => [
        historyEntry({ entity: 'person', action: 'update', summary: 'Team changed from Network to SOC' }),
      ],
    });
    render(PersonDetail, withBackend(backend, { id: 'p1' }));

    const exportLink = await screen.findByTestId('export-person-contributions');
    expect(exportLink.getAttribute('href')).toBe('#/reports?person=jane%2Bsoc%40corp.com');
    expect(exportLink.textContent).toContain('Export contributions…');

    expect(backend.personHistory).not.toHaveBeenCalled();
    const toggle = screen.getByTestId('person-history-toggle');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await fireEvent.click(toggle);
    const entry = await screen.findByTestId('person-history-entry');
    expect(entry.textContent).toContain('Team changed from Network to SOC');
    expect(backend.personHistory).toHaveBeenCalledWith('p1');
    expect(screen.getByTestId('person-history-count').textContent).toBe('1 change');
  });
});
