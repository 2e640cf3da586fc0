import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import IncidentForm from './IncidentForm.svelte';
import { fakeBackend, incident, invalid, selectOption, withBackend } from '../test/fake';
import { ApiError } from '../lib/api';
import { confirmations } from '../lib/confirm.svelte';

function type(testid: string, value: string) {
  const input = screen.getByTestId(testid) as HTMLInputElement;
  input.value = value;
  return fireEvent.input(input);
}

afterEach(() => confirmations.answer(false));

describe('IncidentForm', () => {
  it('shows a backend "invalid" error next to the field it names', async () => {
    const backend = fakeBackend({
      createIncident: async () => {
        throw invalid('title', 'The title is required.');
      },
    });
    render(IncidentForm, withBackend(backend, { onclose: vi.fn(), onsaved: vi.fn() }));

    await fireEvent.click(screen.getByTestId('incident-save'));

    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('title');
    expect(error.textContent).toBe('The title is required.');
    // It sits in the title's field, and the input is marked invalid.
    const title = screen.getByTestId('incident-title');
    expect(error.closest('.field')).toBe(title.closest('.field'));
    expect(title.getAttribute('aria-invalid')).toBe('true');
    // Typing in the field clears its error.
    await type('incident-title', 'Phishing');
    expect(screen.queryByTestId('field-error')).toBeNull();
  });

  it('sends what was typed and reports the saved incident', async () => {
    const saved = incident({ reference: 'INC-2026-0002' });
    const backend = fakeBackend({ createIncident: async () => saved });
    const onsaved = vi.fn();
    render(IncidentForm, withBackend(backend, { onclose: vi.fn(), onsaved }));

    await type('incident-title', 'Proxy beaconing');
    await type('incident-opened-on', '2026-11-02');
    selectOption(screen.getByTestId('incident-tlp'), 'red');
    await fireEvent.click(screen.getByTestId('incident-save'));

    await waitFor(() => expect(onsaved).toHaveBeenCalledWith(saved, true));
    expect(backend.createIncident).toHaveBeenCalledWith({
      title: 'Proxy beaconing',
      reference: '',
      kind: 'security_incident',
      severity: 'medium',
      tlp: 'red',
      opened_on: '2026-11-02',
      summary: '',
    });
  });

  it('saves with Ctrl+S and shows a conflict on the reference', async () => {
    const backend = fakeBackend({
      updateIncident: async () => {
        throw new ApiError('conflict', 'Another incident already uses the reference INC-1.', { field: 'reference' });
      },
    });
    render(IncidentForm, withBackend(backend, { incident: incident(), onclose: vi.fn(), onsaved: vi.fn() }));
    expect((screen.getByTestId('incident-title') as HTMLInputElement).value).toBe('Phishing wave against finance');

    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });

    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('reference');
    expect(backend.updateIncident).toHaveBeenCalledWith('i1', expect.objectContaining({ reference: 'INC-2026-0001' }));
  });

  it('shows an error about no field at the top of the form', async () => {
    const backend = fakeBackend({
      createIncident: async () => {
        throw new ApiError('database', 'The database is locked.');
      },
    });
    render(IncidentForm, withBackend(backend, { onclose: vi.fn(), onsaved: vi.fn() }));
    await fireEvent.click(screen.getByTestId('incident-save'));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'The database is locked.');
    expect(screen.queryByTestId('field-error')).toBeNull();
  });

  it('asks before Esc or Cancel throws away what was typed', async () => {
    const onclose = vi.fn();
    const ask = vi.spyOn(confirmations, 'ask');
    render(IncidentForm, withBackend(fakeBackend(), { onclose, onsaved: vi.fn() }));
    await type('incident-title', 'Half a title');

    await fireEvent.keyDown(screen.getByTestId('incident-title'), { key: 'Escape' });
    expect(ask).toHaveBeenCalledTimes(1);
    expect(confirmations.pending?.title).toBe('Discard changes?');
    confirmations.answer(false);
    await new Promise((settle) => setTimeout(settle, 0));
    expect(onclose).not.toHaveBeenCalled();
    expect((screen.getByTestId('incident-title') as HTMLInputElement).value).toBe('Half a title');

    await fireEvent.click(screen.getByTestId('incident-cancel'));
    expect(ask).toHaveBeenCalledTimes(2);
    confirmations.answer(true);
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
  });

  it('cancels with Esc', async () => {
    const onclose = vi.fn();
    render(IncidentForm, withBackend(fakeBackend(), { onclose, onsaved: vi.fn() }));
    await fireEvent.keyDown(screen.getByTestId('incident-title'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(1);
  });
});
