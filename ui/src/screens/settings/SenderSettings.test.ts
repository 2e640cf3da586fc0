import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import SenderSettings from './SenderSettings.svelte';
import ConfirmDialog from '../../components/ConfirmDialog.svelte';
import { fakeBackend, invalid, settings, withBackend } from '../../test/fake';
import { confirmations } from '../../lib/confirm.svelte';
import { toasts } from '../../lib/toast.svelte';

function type(testid: string, value: string) {
  const input = screen.getByTestId(testid) as HTMLInputElement | HTMLTextAreaElement;
  input.value = value;
  return fireEvent.input(input);
}

/** Waits until the loaded settings are in the form. */
async function loadedName(): Promise<HTMLInputElement> {
  const name = screen.getByTestId('sender-name') as HTMLInputElement;
  await waitFor(() => expect(name.disabled).toBe(false));
  return name;
}

afterEach(() => {
  confirmations.answer(false);
  toasts.dismiss();
});

describe('Settings → Sender', () => {
  it('loads the sender, saves what was typed with the save button, and keeps the backend’s copy', async () => {
    const backend = fakeBackend({
      getSettings: async () => settings(),
      updateSender: async (input) => ({ ...input, organisation: input.organisation.trim() }),
    });
    render(SenderSettings, withBackend(backend));

    const name = await loadedName();
    expect(name.value).toBe('Sam Analyst');
    expect((screen.getByTestId('sender-email') as HTMLInputElement).value).toBe('sam@corp.com');
    expect((screen.getByTestId('sender-organisation') as HTMLInputElement).value).toBe('Corp');
    expect((screen.getByTestId('sender-signature') as HTMLTextAreaElement).value).toBe('Sam, Security team');
    expect(screen.queryByTestId('sender-not-set')).toBeNull();
    // Nothing to save yet.
    expect((screen.getByTestId('sender-save') as HTMLButtonElement).disabled).toBe(true);

    await type('sender-name', 'Sam Okafor');
    await type('sender-organisation', '  Corp Example Ltd ');
    await type('sender-signature', 'Sam Okafor\nSecurity team, Corp');
    expect(screen.getByTestId('sender-unsaved')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('sender-save'));

    await waitFor(() =>
      expect(backend.updateSender).toHaveBeenCalledWith({
        sender_name: 'Sam Okafor',
        sender_email: 'sam@corp.com',
        organisation: '  Corp Example Ltd ',
        signature: 'Sam Okafor\nSecurity team, Corp',
      }),
    );
    await waitFor(() => expect((screen.getByTestId('sender-organisation') as HTMLInputElement).value).toBe('Corp Example Ltd'));
    expect(screen.queryByTestId('sender-unsaved')).toBeNull();
    expect(toasts.current?.message).toBe('Saved your sender details.');
  });

  it('saves with Ctrl+S and shows the backend’s error next to the address', async () => {
    const backend = fakeBackend({
      getSettings: async () => settings(),
      updateSender: async () => {
        throw invalid('sender_email', '“sam@” is not a complete email address.');
      },
    });
    render(SenderSettings, withBackend(backend));
    await loadedName();

    await type('sender-email', 'sam@');
    const email = screen.getByTestId('sender-email');
    email.focus();
    await fireEvent.keyDown(email, { key: 's', ctrlKey: true });

    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('sender_email');
    expect(error.textContent).toBe('“sam@” is not a complete email address.');
    expect(error.closest('.field')).toBe(email.closest('.field'));
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toBe('sender-email-error');
    expect(backend.updateSender).toHaveBeenCalledTimes(1);

    // Editing the address clears its error.
    await type('sender-email', 'sam@corp.com');
    expect(screen.queryByTestId('field-error')).toBeNull();
  });

  it('says clearly when nothing is set yet', async () => {
    const backend = fakeBackend({
      getSettings: async () => settings({ sender_name: '', sender_email: '', organisation: '', signature: '' }),
    });
    render(SenderSettings, withBackend(backend));

    const hint = await screen.findByTestId('sender-not-set');
    expect(hint.textContent).toContain('Not set yet');
    expect(hint.textContent).toContain('everyone counts as external');
  });

  it('names what is still missing when only part is set', async () => {
    const backend = fakeBackend({ getSettings: async () => settings({ organisation: '' }) });
    render(SenderSettings, withBackend(backend));

    const hint = await screen.findByTestId('sender-not-set');
    expect(hint.textContent).toContain('Still missing: your organisation');
    expect(hint.textContent).toContain('TLP:AMBER+STRICT');
  });

  it('asks before Esc throws away unsaved changes', async () => {
    const backend = fakeBackend({ getSettings: async () => settings() });
    const options = withBackend(backend);
    render(SenderSettings, options);
    render(ConfirmDialog, { context: options.context });
    const name = await loadedName();

    await type('sender-name', 'Somebody else');
    name.focus();
    await fireEvent.keyDown(name, { key: 'Escape' });
    await screen.findByTestId('confirm-dialog');
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(name.value).toBe('Sam Analyst'));
  });
});
