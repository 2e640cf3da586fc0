import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import SmtpSettings from './SmtpSettings.svelte';
import { fakeBackend, invalid, selectOption, smtpView, withBackend } from '../../test/fake';
import { confirmations } from '../../lib/confirm.svelte';
import { toasts } from '../../lib/toast.svelte';

function type(testid: string, value: string) {
  const input = screen.getByTestId(testid) as HTMLInputElement | HTMLTextAreaElement;
  input.value = value;
  return fireEvent.input(input);
}

async function loaded(): Promise<HTMLInputElement> {
  const host = screen.getByTestId('smtp-host') as HTMLInputElement;
  await waitFor(() => expect(host.disabled).toBe(false));
  return host;
}

afterEach(() => {
  confirmations.answer(false);
  toasts.dismiss();
});

describe('Settings › Mail server', () => {
  it('saves what was typed with the password apart, and never keeps the password in the form', async () => {
    const empty = smtpView({ password_saved: false }, { host: '', username: '' });
    const backend = fakeBackend({
      getSmtpSettings: async () => empty,
      saveSmtpSettings: async (input) => smtpView({}, input),
    });
    render(SmtpSettings, withBackend(backend));
    await loaded();
    // No server: the .eml folder, with a way to open it.
    expect(screen.getByTestId('smtp-eml-folder').textContent).toBe(empty.eml_folder);
    expect((screen.getByTestId('smtp-test') as HTMLButtonElement).disabled).toBe(true);

    await type('smtp-host', 'smtp.corp.example');
    await type('smtp-port', '465');
    selectOption(screen.getByTestId('smtp-security'), 'tls');
    await type('smtp-username', 'sam@corp.example');
    await type('smtp-password', 'pä55wörd✓');
    await type('smtp-ca', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----');
    selectOption(screen.getByTestId('smtp-copy-self'), 'bcc');
    await type('smtp-rate', '30');
    await fireEvent.click(screen.getByTestId('smtp-save'));

    await waitFor(() => expect(backend.saveSmtpSettings).toHaveBeenCalledTimes(1));
    expect(backend.saveSmtpSettings).toHaveBeenCalledWith(
      {
        host: 'smtp.corp.example',
        port: 465,
        security: 'tls',
        username: 'sam@corp.example',
        ca_pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
        reply_to: '',
        copy_self: 'bcc',
        rate_per_minute: 30,
        connect_timeout_secs: 15,
        command_timeout_secs: 60,
      },
      'pä55wörd✓',
    );
    await screen.findByTestId('smtp-password-saved');
    expect((screen.getByTestId('smtp-password') as HTMLInputElement).value).toBe('');
    expect(screen.queryByTestId('smtp-eml-note')).toBeNull();
    expect(screen.getByText(/Saved in the system’s secret store/)).toBeTruthy();
  });

  it('shows the backend’s error next to its field, opening Advanced for a timeout', async () => {
    const backend = fakeBackend({
      getSmtpSettings: async () => smtpView(),
      saveSmtpSettings: async () => {
        throw invalid('command_timeout_secs', 'The command timeout must be between 1 and 600 seconds.');
      },
    });
    render(SmtpSettings, withBackend(backend));
    const host = await loaded();
    await type('smtp-host', 'mail.corp.example');
    host.focus();
    await fireEvent.keyDown(host, { key: 's', ctrlKey: true });

    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('command_timeout_secs');
    expect((screen.getByTestId('smtp-advanced') as HTMLDetailsElement).open).toBe(true);
    expect(screen.getByTestId('smtp-command-timeout').getAttribute('aria-invalid')).toBe('true');
  });

  it('checks numbers before asking the backend', async () => {
    const backend = fakeBackend({ getSmtpSettings: async () => smtpView() });
    render(SmtpSettings, withBackend(backend));
    await loaded();
    await type('smtp-port', '70000');
    await fireEvent.click(screen.getByTestId('smtp-save'));
    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('port');
    expect(error.textContent).toContain('65,535');
    expect(backend.saveSmtpSettings).not.toHaveBeenCalled();
  });

  it('says plainly when there is no secret store', async () => {
    const backend = fakeBackend({
      getSmtpSettings: async () =>
        smtpView({ password_saved: false, password_persistent: false, secret_store_problem: 'no Secret Service on the session bus' }),
    });
    render(SmtpSettings, withBackend(backend));
    const note = await screen.findByTestId('smtp-no-secret-store');
    expect(note.textContent).toContain('There is no secret store on this computer (no Secret Service on the session bus)');
    expect(note.textContent).toContain('kept only until Afterword closes');
  });

  it('runs the server test and shows each step with its outcome', async () => {
    const backend = fakeBackend({
      getSmtpSettings: async () => smtpView(),
      testSmtp: async () => ({
        ok: false,
        steps: [
          { step: 'lookup', label: 'Name lookup', status: 'ok', detail: '192.0.2.7' },
          { step: 'connect', label: 'Connect', status: 'ok', detail: 'smtp.corp.example:587 answered' },
          { step: 'tls', label: 'TLS', status: 'ok', detail: 'STARTTLS, certificate verified' },
          { step: 'authenticate', label: 'Authentication', status: 'failed', detail: 'The server refused the password.' },
          { step: 'accepted', label: 'Message accepted', status: 'skipped', detail: '' },
        ],
      }),
      forgetSmtpPassword: async () => smtpView({ password_saved: false }),
    });
    render(SmtpSettings, withBackend(backend));
    await loaded();
    await fireEvent.click(screen.getByTestId('smtp-test'));

    const verdict = await screen.findByTestId('smtp-test-verdict');
    expect(verdict.textContent).toContain('stopped at “Authentication”');
    const steps = screen.getAllByTestId('smtp-test-step');
    expect(steps.map((s) => s.dataset.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'skipped']);
    expect(steps[3]!.textContent).toContain('The server refused the password.');
    expect(backend.testSmtp).toHaveBeenCalledWith(null, null);

    await fireEvent.click(screen.getByTestId('smtp-forget-password'));
    await waitFor(() => expect(screen.queryByTestId('smtp-password-saved')).toBeNull());
  });
});
