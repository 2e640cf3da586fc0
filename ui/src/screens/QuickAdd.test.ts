import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import QuickAdd from './QuickAdd.svelte';
import { fakeBackend, person, selectOption, withBackend } from '../test/fake';
import { ApiError } from '../lib/api';
import type { QuickAddOutcome } from '../lib/types';

function outcome(overrides: Partial<QuickAddOutcome> = {}): QuickAddOutcome {
  return {
    contribution: {
      id: 'c1',
      incident_id: 'i1',
      person_id: 'p1',
      role: 'log_provider',
      what: 'proxy logs',
      given_on: null,
      impact: '',
      constraints: '',
      created_at: '2026-11-03T10:00:00Z',
      updated_at: '2026-11-03T10:00:00Z',
    },
    person: person(),
    created_person: false,
    ...overrides,
  };
}

async function typeLine(text: string) {
  const input = screen.getByTestId('quick-add-input') as HTMLInputElement;
  await fireEvent.focus(input);
  input.value = text;
  input.setSelectionRange(text.length, text.length);
  await fireEvent.input(input);
  return input;
}

describe('QuickAdd', () => {
  it('suggests known people for the who part and inserts the chosen email with the keyboard', async () => {
    const backend = fakeBackend({
      searchPeople: async () => [person(), person({ id: 'p2', name: 'Janet Ong', email: 'janet@corp.com' })],
      previewQuickAdd: async () => {
        throw new ApiError('invalid', 'Write who and what, separated by a dash.', { field: 'line' });
      },
    });
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded: vi.fn() }));

    const input = await typeLine('jan');
    await waitFor(() => expect(screen.getAllByTestId('quick-add-suggestion')).toHaveLength(2));
    expect(backend.searchPeople).toHaveBeenCalledWith('jan', 6);

    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    await fireEvent.keyDown(input, { key: 'Enter' });

    expect(input.value).toBe('janet@corp.com — ');
    expect(screen.queryAllByTestId('quick-add-suggestion')).toHaveLength(0);
  });

  it('previews what the line will do', async () => {
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAdd: async (line) => ({
        parsed: { email: 'jane@corp.com', name: null, what: 'proxy logs', role: 'log_provider' },
        person: line.startsWith('jane') ? person() : null,
        candidates: [],
      }),
    });
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded: vi.fn() }));
    await typeLine('jane@corp.com — proxy logs 1–3 Nov');
    const preview = await screen.findByTestId('quick-add-preview', {}, { timeout: 2000 });
    await waitFor(() => expect(preview.textContent).toMatch(/Adds to\s*Jane Whitfield\s*as\s*Log provider/));
    expect(backend.previewQuickAdd).toHaveBeenCalledWith('jane@corp.com — proxy logs 1–3 Nov');
  });

  it('asks who an unknown email is, then creates the person and adds the contribution', async () => {
    const line = 'Sam Ortiz <sam@vendor.io> — firewall exports';
    const added = outcome({ created_person: true });
    const quickAdd = vi.fn(async (request: { new_person?: unknown }) => {
      if (!request.new_person) {
        throw new ApiError('unknown_person', 'Nobody with the email sam@vendor.io is known yet.', {
          email: 'sam@vendor.io',
          suggestedName: 'Sam Ortiz',
        });
      }
      return added;
    });
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAdd: async () => ({
        parsed: { email: 'sam@vendor.io', name: 'Sam Ortiz', what: 'firewall exports', role: 'log_provider' },
        person: null,
        candidates: [],
      }),
      quickAdd,
    });
    const onadded = vi.fn();
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded }));

    const input = await typeLine(line);
    await fireEvent.keyDown(input, { key: 'Enter' });

    const name = (await screen.findByTestId('new-person-name')) as HTMLInputElement;
    expect(name.value).toBe('Sam Ortiz');
    const organisation = screen.getByTestId('new-person-organisation') as HTMLInputElement;
    organisation.value = 'Vendor Inc';
    await fireEvent.input(organisation);
    selectOption(screen.getByTestId('new-person-audience'), 'third_party');
    await fireEvent.click(screen.getByTestId('new-person-save'));

    await waitFor(() => expect(onadded).toHaveBeenCalledWith(added));
    expect(quickAdd).toHaveBeenLastCalledWith({
      incident_id: 'i1',
      line,
      new_person: expect.objectContaining({
        name: 'Sam Ortiz',
        email: 'sam@vendor.io',
        organisation: 'Vendor Inc',
        audience: 'third_party',
      }),
    });
    expect(input.value).toBe('');
    expect(screen.queryByTestId('new-person-name')).toBeNull();
  });

  it('shows a line error under the input', async () => {
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAdd: async () => {
        throw new ApiError('invalid', 'Write who and what, separated by a dash.', { field: 'line' });
      },
      quickAdd: async () => {
        throw new ApiError('invalid', 'Write who and what, separated by a dash.', { field: 'line' });
      },
    });
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded: vi.fn() }));
    const input = await typeLine('jane@corp.com');
    await fireEvent.keyDown(input, { key: 'Enter' });
    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('line');
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });
});
