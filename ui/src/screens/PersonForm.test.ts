import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import PersonForm from './PersonForm.svelte';
import { fakeBackend, invalid, person, selectOption, withBackend } from '../test/fake';
import { ApiError } from '../lib/api';
import { confirmations } from '../lib/confirm.svelte';

function type(testid: string, value: string) {
  const input = screen.getByTestId(testid) as HTMLInputElement;
  input.value = value;
  return fireEvent.input(input);
}

afterEach(() => confirmations.answer(false));

describe('PersonForm', () => {
  it('sends what was typed, leaving the technical level to the backend by default', async () => {
    const saved = person({ id: 'p9' });
    const backend = fakeBackend({ createPerson: async () => saved });
    const onsaved = vi.fn();
    render(PersonForm, withBackend(backend, { onclose: vi.fn(), onsaved }));

    await type('person-name', 'Bo Chen');
    await type('person-email', 'bo@corp.com');
    await type('person-job-title', 'SOC analyst');
    selectOption(screen.getByTestId('person-audience'), 'it_operations');
    await fireEvent.click(screen.getByTestId('person-do-not-contact'));
    await fireEvent.click(screen.getByTestId('person-save'));

    await waitFor(() => expect(onsaved).toHaveBeenCalledWith(saved, true));
    expect(backend.createPerson).toHaveBeenCalledWith({
      name: 'Bo Chen',
      preferred_name: '',
      email: 'bo@corp.com',
      organisation: '',
      team: '',
      job_title: 'SOC analyst',
      audience: 'it_operations',
      technical_level: null,
      may_be_named: true,
      do_not_contact: true,
      notes: '',
    });
  });

  it('saves an edit with Ctrl+S and shows a conflict next to the email', async () => {
    const backend = fakeBackend({
      updatePerson: async () => {
        throw new ApiError('conflict', 'Bo Chen already uses this email.', { field: 'email' });
      },
    });
    const onsaved = vi.fn();
    render(PersonForm, withBackend(backend, { person: person(), onclose: vi.fn(), onsaved }));
    expect((screen.getByTestId('person-name') as HTMLInputElement).value).toBe('Jane Whitfield');
    expect((screen.getByTestId('person-job-title') as HTMLInputElement).value).toBe('Network engineer');

    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });

    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('email');
    expect(error.textContent).toBe('Bo Chen already uses this email.');
    const email = screen.getByTestId('person-email');
    expect(error.closest('.field')).toBe(email.closest('.field'));
    await waitFor(() => expect(document.activeElement).toBe(email));
    expect(backend.updatePerson).toHaveBeenCalledWith(
      'p1',
      expect.objectContaining({ email: 'jane@corp.com', technical_level: 'technical', audience: 'it_operations' }),
    );
    expect(onsaved).not.toHaveBeenCalled();

    await type('person-email', 'jane.w@corp.com');
    expect(screen.queryByTestId('field-error')).toBeNull();
  });

  it('shows an error about a consent box, which has no place of its own, at the top', async () => {
    const backend = fakeBackend({
      createPerson: async () => {
        throw invalid('do_not_contact', 'Cannot be changed now.');
      },
    });
    render(PersonForm, withBackend(backend, { onclose: vi.fn(), onsaved: vi.fn() }));
    await fireEvent.click(screen.getByTestId('person-save'));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Cannot be changed now.');
    expect(screen.queryByTestId('field-error')).toBeNull();
  });

  it('cancels with Esc at once when nothing changed, and asks when something did', async () => {
    const onclose = vi.fn();
    render(PersonForm, withBackend(fakeBackend(), { person: person(), onclose, onsaved: vi.fn() }));
    await fireEvent.keyDown(screen.getByTestId('person-name'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(1);
    expect(confirmations.pending).toBeNull();

    await fireEvent.click(screen.getByTestId('person-may-be-named'));
    await fireEvent.keyDown(screen.getByTestId('person-name'), { key: 'Escape' });
    expect(confirmations.pending).not.toBeNull();
    expect(onclose).toHaveBeenCalledTimes(1);
  });
});
