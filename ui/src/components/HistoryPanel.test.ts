import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import HistoryPanel from './HistoryPanel.svelte';
import type { HistoryEntry } from '../lib/types';
import { historyEntry } from '../test/fake';

// Local times (no offset), so the expected text does not depend on the machine's time zone.
const ENTRIES: HistoryEntry[] = [
  historyEntry({ at: '2026-12-03T14:05:00', actor: 'alice', summary: 'Status changed from Open to Investigating' }),
  historyEntry({ at: '2026-12-01T09:30:00', actor: 'bob', entity: 'contribution', action: 'create', summary: 'Added Jane Whitfield: proxy logs' }),
];

function toggle(): HTMLElement {
  return screen.getByTestId('history-toggle');
}

describe('HistoryPanel', () => {
  it('is closed at first and reads nothing until opened', async () => {
    const load = vi.fn(async () => ENTRIES);
    render(HistoryPanel, { props: { load } });
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('history-entry')).toBeNull();
    await Promise.resolve();
    expect(load).not.toHaveBeenCalled();
  });

  it('reads the history when opened: who changed what, when, newest first, with a count', async () => {
    const load = vi.fn(async () => ENTRIES);
    render(HistoryPanel, { props: { load } });
    await fireEvent.click(toggle());
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    const entries = await screen.findAllByTestId('history-entry');
    expect(load).toHaveBeenCalledTimes(1);
    expect(entries.map((e) => e.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '3 Dec 2026, 14:05 · alice — Status changed from Open to Investigating',
      '1 Dec 2026, 09:30 · bob — Added Jane Whitfield: proxy logs',
    ]);
    expect(entries[0]!.querySelector('time')?.getAttribute('datetime')).toBe('2026-12-03T14:05:00');
    expect(screen.getByTestId('history-count').textContent).toBe('2 changes');
    // The toggle controls the list it shows.
    const body = document.getElementById(toggle().getAttribute('aria-controls')!);
    expect(body?.contains(entries[0]!)).toBe(true);

    // Closing and opening again reads it afresh.
    await fireEvent.click(toggle());
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    await fireEvent.click(toggle());
    await waitFor(() => expect(load).toHaveBeenCalledTimes(2));
  });

  it('says when nothing is recorded yet', async () => {
    render(HistoryPanel, { props: { load: async () => [], what: 'incident' } });
    await fireEvent.click(toggle());
    const empty = await screen.findByTestId('history-empty');
    expect(empty.textContent).toBe('Nothing recorded yet about this incident.');
    expect(screen.getByTestId('history-count').textContent).toBe('0 changes');
  });

  it('reads again while open when the record changes, not while closed', async () => {
    const load = vi.fn(async () => ENTRIES);
    const { rerender } = render(HistoryPanel, { props: { load, version: 1 } });
    await rerender({ load, version: 2 });
    expect(load).not.toHaveBeenCalled();
    await fireEvent.click(toggle());
    await waitFor(() => expect(load).toHaveBeenCalledTimes(1));
    await rerender({ load, version: 3 });
    await waitFor(() => expect(load).toHaveBeenCalledTimes(2));
  });

  it('says why the history could not be read, with Try again', async () => {
    let fail = true;
    const load = vi.fn(async () => {
      if (fail) throw new Error('The database is locked.');
      return ENTRIES;
    });
    render(HistoryPanel, { props: { load } });
    await fireEvent.click(toggle());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The history could not be read: The database is locked.');
    fail = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByTestId('history-entry')).toHaveLength(2);
  });

  it('counts the latest 500 when the history is longer', async () => {
    const many = Array.from({ length: 500 }, (_, i) => historyEntry({ summary: `Change ${i}` }));
    render(HistoryPanel, { props: { load: async () => many } });
    await fireEvent.click(toggle());
    await screen.findAllByTestId('history-entry');
    expect(screen.getByTestId('history-count').textContent).toBe('the latest 500 changes');
  });
});
