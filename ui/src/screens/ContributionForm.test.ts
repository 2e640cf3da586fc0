import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ContributionForm from './ContributionForm.svelte';
import { fakeBackend, invalid, selectOption, withBackend } from '../test/fake';
import { confirmations } from '../lib/confirm.svelte';
import type { Contribution } from '../lib/types';

const contribution: Contribution = {
  id: 'c1',
  incident_id: 'i1',
  person_id: 'p1',
  role: 'log_provider',
  what: 'proxy logs 1–3 Nov',
  given_on: null,
  impact: '',
  constraints: '',
  created_at: '2026-11-03T10:00:00Z',
  updated_at: '2026-11-03T10:00:00Z',
};

function type(testid: string, value: string) {
  const input = screen.getByTestId(testid) as HTMLInputElement;
  input.value = value;
  return fireEvent.input(input);
}

afterEach(() => confirmations.answer(false));

describe('ContributionForm', () => {
  it('saves with Ctrl+S, keeping the incident and the person', async () => {
    const saved = { ...contribution, role: 'analyst' as const };
    const backend = fakeBackend({ updateContribution: async () => saved });
    const onsaved = vi.fn();
    render(ContributionForm, withBackend(backend, { contribution, personName: 'Ann Lee', onclose: vi.fn(), onsaved }));

    selectOption(screen.getByTestId('contribution-role'), 'analyst');
    await type('contribution-impact', 'Found the hosts.');
    await fireEvent.keyDown(screen.getByTestId('contribution-impact'), { key: 's', ctrlKey: true });

    await waitFor(() => expect(onsaved).toHaveBeenCalledWith(saved));
    expect(backend.updateContribution).toHaveBeenCalledWith('c1', {
      incident_id: 'i1',
      person_id: 'p1',
      role: 'analyst',
      what: 'proxy logs 1–3 Nov',
      given_on: '',
      impact: 'Found the hosts.',
      constraints: '',
    });
  });

  it('shows an invalid field next to it and clears it on typing', async () => {
    const backend = fakeBackend({
      updateContribution: async () => {
        throw invalid('what', 'Say what they gave.');
      },
    });
    const onsaved = vi.fn();
    render(ContributionForm, withBackend(backend, { contribution, personName: 'Ann Lee', onclose: vi.fn(), onsaved }));

    await type('contribution-what', '');
    await fireEvent.click(screen.getByTestId('contribution-save'));

    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('what');
    expect(screen.getByTestId('contribution-what').getAttribute('aria-invalid')).toBe('true');
    expect(onsaved).not.toHaveBeenCalled();
    await type('contribution-what', 'DNS logs');
    expect(screen.queryByTestId('field-error')).toBeNull();
  });

  it('asks before the close button throws away changes', async () => {
    const onclose = vi.fn();
    const props = { contribution, personName: 'Ann Lee', onclose, onsaved: vi.fn() };
    render(ContributionForm, withBackend(fakeBackend(), props));
    await type('contribution-constraints', 'Night shift');
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(confirmations.pending?.title).toBe('Discard changes?');
    confirmations.answer(true);
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
  });
});
