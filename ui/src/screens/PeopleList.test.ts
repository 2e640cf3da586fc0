import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import PeopleList from './PeopleList.svelte';
import { fakeBackend, person, withBackend } from '../test/fake';
import { peopleFilter } from '../lib/filters.svelte';

describe('PeopleList', () => {
  it('searches the backend with the typed text, once typing pauses', async () => {
    peopleFilter.text = '';
    const jane = person();
    const omar = person({ id: 'p2', name: 'Omar Haddad', email: 'omar@vendor.io', do_not_contact: true, may_be_named: false });
    const backend = fakeBackend({
      searchPeople: async (query) => (query.startsWith('om') ? [omar] : [jane, omar]),
    });
    render(PeopleList, withBackend(backend));

    await waitFor(() => expect(screen.getAllByTestId('person-row')).toHaveLength(2));
    expect(backend.searchPeople).toHaveBeenCalledWith('', 200);

    vi.useFakeTimers();
    const search = screen.getByTestId('people-search') as HTMLInputElement;
    for (const text of ['o', 'om', 'oma']) {
      search.value = text;
      await fireEvent.input(search);
    }
    expect(backend.searchPeople).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(120);
    vi.useRealTimers();

    expect(backend.searchPeople).toHaveBeenCalledTimes(2);
    expect(backend.searchPeople).toHaveBeenLastCalledWith('oma', 200);
    await waitFor(() => expect(screen.getAllByTestId('person-row')).toHaveLength(1));
    const row = screen.getByTestId('person-row');
    expect(row.textContent).toContain('Omar Haddad');
    expect(row.textContent).toContain('omar@vendor.io');
    expect(row.querySelector('[data-testid="marker-do-not-contact"]')).not.toBeNull();
    expect(row.querySelector('[data-testid="marker-not-named"]')).not.toBeNull();
  });

  it('says so when nobody matches', async () => {
    peopleFilter.text = 'zz';
    render(PeopleList, withBackend(fakeBackend({ searchPeople: async () => [] })));
    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain('Nobody matches');
    peopleFilter.text = '';
  });
});
