import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import CloseoutChecklist from './CloseoutChecklist.svelte';
import { closeoutItem, closeoutOf, fakeBackend, withBackend } from '../../test/fake';

describe('CloseoutChecklist', () => {
  it('shows each contributor’s state, counts what is done and links loose ends to compose', async () => {
    const backend = fakeBackend({
      closeout: async () =>
        closeoutOf([
          closeoutItem({ person_id: 'a', person_name: 'Ann Lee', state: 'sent', done: true }),
          closeoutItem({ person_id: 'b', person_name: 'Bo Chen', state: 'skipped', skip_reason: 'Thanked in person', done: true }),
          closeoutItem({ person_id: 'c', person_name: 'Cy Dunn', state: 'approved', done: false }),
          closeoutItem({ person_id: 'd', person_name: 'Di Eve', state: null, message_id: null, done: false }),
        ]),
    });
    render(CloseoutChecklist, withBackend(backend, { incidentId: 'i1' }));
    expect((await screen.findByTestId('closeout-count')).textContent).toBe('2 of 4 done');
    const items = within(screen.getByTestId('closeout-list')).getAllByTestId('closeout-item');
    expect(items.map((i) => i.getAttribute('data-done'))).toEqual(['true', 'true', 'false', 'false']);
    expect(items[0]!.textContent).toContain('Thanked: the message was sent');
    expect(items[1]!.textContent).toContain('Skipped: Thanked in person');
    // Approved is not thanked yet: only a sent message counts.
    expect(items[2]!.textContent).toContain('Approved — not sent yet');
    expect(items[3]!.textContent).toContain('No message yet');
    const link = screen.getByTestId('closeout-compose');
    expect(link.getAttribute('href')).toBe('#/incidents/i1/compose');
    expect(link.textContent).toContain('2 loose ends');
    expect(screen.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('2 of 4 done');
  });

  it('says when everyone is done', async () => {
    const backend = fakeBackend({
      closeout: async () => closeoutOf([closeoutItem({ state: 'sent', done: true })]),
    });
    render(CloseoutChecklist, withBackend(backend, { incidentId: 'i1' }));
    await screen.findByText(/Everyone has been thanked/);
    expect(screen.queryByTestId('closeout-compose')).toBeNull();
  });

  it('reads again when asked to', async () => {
    const backend = fakeBackend({ closeout: async () => closeoutOf([]) });
    const { rerender } = render(CloseoutChecklist, withBackend(backend, { incidentId: 'i1', reloads: 1 }));
    await waitFor(() => expect(backend.closeout).toHaveBeenCalledTimes(1));
    await rerender({ incidentId: 'i1', reloads: 2 });
    await waitFor(() => expect(backend.closeout).toHaveBeenCalledTimes(2));
  });
});
