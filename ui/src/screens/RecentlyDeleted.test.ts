import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import RecentlyDeleted from './RecentlyDeleted.svelte';
import { fakeBackend, incident, person, withBackend } from '../test/fake';
import { ApiError } from '../lib/api';
import { toasts } from '../lib/toast.svelte';
import type { Contribution, DeletedItem } from '../lib/types';

const deleted: DeletedItem[] = [
  { kind: 'incident', id: 'i1', title: 'INC-2026-0001 · Phishing wave', detail: '', deleted_at: '2026-11-03T10:05:00Z' },
  { kind: 'person', id: 'p1', title: 'Jane Whitfield', detail: 'jane@corp.com', deleted_at: '2026-11-03T10:04:00Z' },
  { kind: 'contribution', id: 'c1', title: 'proxy logs', detail: 'Omar · INC-2026-0002', deleted_at: '2026-11-03T10:03:00Z' },
];

function contribution(): Contribution {
  return {
    id: 'c1',
    incident_id: 'i2',
    person_id: 'p2',
    role: 'log_provider',
    what: 'proxy logs',
    given_on: null,
    impact: '',
    constraints: '',
    created_at: '2026-11-03T10:00:00Z',
    updated_at: '2026-11-03T10:00:00Z',
  };
}

describe('RecentlyDeleted', () => {
  it('lists what was deleted, newest first, with what it was and when', async () => {
    render(RecentlyDeleted, withBackend(fakeBackend({ recentlyDeleted: async () => deleted })));
    await waitFor(() => expect(screen.getAllByTestId('deleted-row')).toHaveLength(3));
    const rows = screen.getAllByTestId('deleted-row').map((row) => row.textContent ?? '');
    expect(rows[0]).toMatch(/Incident.*INC-2026-0001 · Phishing wave/);
    expect(rows[1]).toMatch(/Person.*Jane Whitfield.*jane@corp.com/);
    expect(rows[2]).toMatch(/Contribution.*proxy logs.*Omar · INC-2026-0002/);
    expect(rows[0]).toMatch(/3 Nov 2026/);
  });

  it('restores each kind through its own command and moves focus to the next row', async () => {
    const backend = fakeBackend({
      recentlyDeleted: async () => deleted,
      restoreIncident: async () => incident({ id: 'i1', reference: 'INC-2026-0001' }),
      restorePerson: async () => person(),
      restoreContribution: async () => contribution(),
    });
    render(RecentlyDeleted, withBackend(backend));
    await waitFor(() => expect(screen.getAllByTestId('deleted-restore')).toHaveLength(3));

    await fireEvent.click(screen.getAllByTestId('deleted-restore')[1] as HTMLElement);
    await waitFor(() => expect(screen.getAllByTestId('deleted-row')).toHaveLength(2));
    expect(backend.restorePerson).toHaveBeenCalledWith('p1');
    expect(toasts.current?.message).toBe('Restored Jane Whitfield.');
    const remaining = screen.getAllByTestId('deleted-restore');
    expect(document.activeElement).toBe(remaining[1]);

    await fireEvent.click(remaining[1] as HTMLElement);
    await fireEvent.click(remaining[0] as HTMLElement);
    await waitFor(() => expect(screen.getByTestId('empty-state').textContent).toMatch(/Nothing deleted/));
    expect(backend.restoreContribution).toHaveBeenCalledWith('c1');
    expect(backend.restoreIncident).toHaveBeenCalledWith('i1');
  });

  it('keeps the row and says why when a restore is refused', async () => {
    const backend = fakeBackend({
      recentlyDeleted: async () => deleted.slice(0, 1),
      restoreIncident: async () => {
        throw new ApiError('conflict', 'Another incident already uses the reference INC-2026-0001; choose another.');
      },
    });
    render(RecentlyDeleted, withBackend(backend));
    await fireEvent.click(await screen.findByTestId('deleted-restore'));
    await waitFor(() => expect(toasts.current?.message).toMatch(/already uses the reference/));
    expect(screen.getAllByTestId('deleted-row')).toHaveLength(1);
  });
});
