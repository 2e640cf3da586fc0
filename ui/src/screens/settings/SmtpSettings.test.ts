import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import SmtpSettings from './SmtpSettings.svelte';
import { fakeBackend, invalid, selectOption, signInStarted, signInStatus, smtpView, withBackend } from '../../test/fake';
import { ApiError } from '../../lib/api';
import { NO_REGISTRATION } from './smtp-form';
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
        account: 'password',
        oauth: NO_REGISTRATION,
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

const GUIDE = {
  title: 'Microsoft 365: what your admin registers',
  html: '<ol>\n<li><strong>Microsoft Entra admin center › App registrations</strong>, URI <code>http://localhost</code></li>\n</ol>\n',
};

/** A saved Microsoft 365 account: the registration, and the sign-in's status. */
function microsoftView(status = signInStatus(), oauth: Partial<typeof NO_REGISTRATION> = {}) {
  return smtpView(
    { password_saved: false, sign_in: status },
    {
      host: 'smtp.office365.com',
      username: '',
      account: 'microsoft365',
      oauth: { ...NO_REGISTRATION, tenant: 'contoso.com', client_id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', ...oauth },
    },
  );
}

describe('Settings › Mail server › the account kind', () => {
  it('switches to Microsoft 365: its server, the registration with the admin guide, no password; saved with the registration', async () => {
    const backend = fakeBackend({
      getSmtpSettings: async () => smtpView({ password_saved: false }, { host: '', username: '' }),
      saveSmtpSettings: async (input) => smtpView({ password_saved: false, sign_in: signInStatus() }, input),
      adminGuide: async () => GUIDE,
      pendingSignIn: async () => null,
    });
    render(SmtpSettings, withBackend(backend));
    await loaded();
    expect(screen.queryByTestId('smtp-registration')).toBeNull();
    expect((screen.getByTestId('smtp-account-password') as HTMLInputElement).checked).toBe(true);

    await fireEvent.click(screen.getByTestId('smtp-account-microsoft365'));
    expect((screen.getByTestId('smtp-host') as HTMLInputElement).value).toBe('smtp.office365.com');
    expect(screen.queryByTestId('smtp-username')).toBeNull();
    expect(screen.queryByTestId('smtp-password')).toBeNull();
    expect(screen.queryByTestId('smtp-client-secret')).toBeNull();
    // The guide, rendered: a list with its bold and code, not Markdown.
    const guide = await screen.findByTestId('smtp-admin-guide');
    expect(guide.querySelector('summary')!.textContent).toContain('Microsoft 365: what your admin registers');
    const body = screen.getByTestId('smtp-admin-guide-body');
    expect(body.querySelector('li strong')!.textContent).toBe('Microsoft Entra admin center › App registrations');
    expect(body.querySelector('code')!.textContent).toBe('http://localhost');
    expect(body.textContent).not.toContain('**');
    expect(backend.adminGuide).toHaveBeenCalledWith('microsoft365');
    // Nobody signed in yet: the sign-in is offered; Advanced is closed.
    expect(screen.getByTestId('sign-in-start').textContent).toContain('Sign in with Microsoft 365');
    expect((screen.getByTestId('smtp-oauth-advanced') as HTMLDetailsElement).open).toBe(false);

    await type('smtp-tenant', 'contoso.com');
    await type('smtp-client-id', '3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    await fireEvent.click(screen.getByTestId('smtp-save'));
    await waitFor(() => expect(backend.saveSmtpSettings).toHaveBeenCalledTimes(1));
    const [saved, password] = backend.saveSmtpSettings.mock.calls[0]!;
    expect(password).toBeNull();
    expect(saved).toMatchObject({ host: 'smtp.office365.com', port: 587, security: 'starttls', account: 'microsoft365' });
    expect(saved.oauth).toEqual({ ...NO_REGISTRATION, tenant: 'contoso.com', client_id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' });

    // Google: its own server replaces Microsoft's, and it takes a client secret.
    await fireEvent.click(screen.getByTestId('smtp-account-google'));
    expect((screen.getByTestId('smtp-host') as HTMLInputElement).value).toBe('smtp.gmail.com');
    expect(screen.queryByTestId('smtp-tenant')).toBeNull();
    expect(screen.getByTestId('smtp-client-secret')).toBeTruthy();
    expect(screen.getByTestId('sign-in-start').textContent).toContain('Sign in with Google Workspace');
  });

  it('keeps a host the analyst typed, and keeps the registration when a password account is saved', async () => {
    const backend = fakeBackend({
      getSmtpSettings: async () =>
        smtpView({}, { host: 'relay.corp.example', account: 'password', oauth: { ...NO_REGISTRATION, client_id: 'kept-id' } }),
      saveSmtpSettings: async (input) => smtpView({}, input),
      adminGuide: async () => GUIDE,
      pendingSignIn: async () => null,
    });
    render(SmtpSettings, withBackend(backend));
    await loaded();
    await fireEvent.click(screen.getByTestId('smtp-account-microsoft365'));
    expect((screen.getByTestId('smtp-host') as HTMLInputElement).value).toBe('relay.corp.example');
    expect((screen.getByTestId('smtp-client-id') as HTMLInputElement).value).toBe('kept-id');
    await fireEvent.click(screen.getByTestId('smtp-account-password'));
    await type('smtp-rate', '10');
    await fireEvent.click(screen.getByTestId('smtp-save'));
    await waitFor(() => expect(backend.saveSmtpSettings).toHaveBeenCalledTimes(1));
    expect(backend.saveSmtpSettings.mock.calls[0]![0]).toMatchObject({ account: 'password', oauth: { client_id: 'kept-id' } });
  });

  it('shows an endpoint error next to its field with Advanced opened, and opens Advanced for a saved override', async () => {
    const backend = fakeBackend({
      getSmtpSettings: async () => microsoftView(),
      saveSmtpSettings: async () => {
        throw invalid('token_url', "'http://login.example.com/token' cannot be used as an endpoint: sign-in requests must use https.");
      },
      adminGuide: async () => GUIDE,
      pendingSignIn: async () => null,
    });
    render(SmtpSettings, withBackend(backend));
    await loaded();
    expect((screen.getByTestId('smtp-oauth-advanced') as HTMLDetailsElement).open).toBe(false);
    await type('smtp-token-url', 'http://login.example.com/token');
    await fireEvent.click(screen.getByTestId('smtp-save'));
    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('token_url');
    expect(error.textContent).toContain('must use https');
    expect((screen.getByTestId('smtp-oauth-advanced') as HTMLDetailsElement).open).toBe(true);
    expect(screen.getByTestId('smtp-token-url').getAttribute('aria-invalid')).toBe('true');
  });

  it('saves typed changes before signing in, and does not sign in when the save is refused', async () => {
    let refuse = true;
    const backend = fakeBackend({
      getSmtpSettings: async () => microsoftView(),
      saveSmtpSettings: async (input) => {
        if (refuse) throw invalid('client_id', "'not-a-guid' is not a Microsoft client ID.");
        return microsoftView(signInStatus(), input.oauth);
      },
      adminGuide: async () => GUIDE,
      pendingSignIn: async () => null,
      startSignIn: async () => signInStarted(),
      waitSignIn: () => new Promise(() => {}),
    });
    render(SmtpSettings, withBackend(backend));
    await loaded();
    await type('smtp-client-id', 'not-a-guid');
    await fireEvent.click(screen.getByTestId('sign-in-start'));
    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('client_id');
    expect(backend.startSignIn).not.toHaveBeenCalled();
    expect(screen.getByTestId('sign-in-start')).toBeTruthy();

    refuse = false;
    await type('smtp-client-id', '11111111-2222-3333-4444-555555555555');
    await fireEvent.click(screen.getByTestId('sign-in-start'));
    await screen.findByTestId('sign-in-waiting');
    expect(backend.saveSmtpSettings).toHaveBeenCalledTimes(2);
    expect(backend.saveSmtpSettings.mock.invocationCallOrder[1]!).toBeLessThan(backend.startSignIn.mock.invocationCallOrder[0]!);
    expect(backend.startSignIn).toHaveBeenCalledWith('browser');
  });

  it('signs in and out through the whole form: Signed in as …, then what sign-out did', async () => {
    const backend = fakeBackend({
      getSmtpSettings: async () => microsoftView(),
      adminGuide: async () => GUIDE,
      pendingSignIn: async () => null,
      startSignIn: async () => signInStarted(),
      waitSignIn: async () => signInStatus({ signed_in_as: 'sam@corp.example', signed_in_at: '2026-11-25T10:00:00Z', problem: null }),
      signOut: async () => ({
        report: {
          email: 'sam@corp.example',
          revoked: false,
          message: 'Signed out sam@corp.example: the sign-in was removed from this computer. Microsoft 365 offers apps no way to revoke it.',
        },
        status: signInStatus(),
      }),
    });
    render(SmtpSettings, withBackend(backend));
    await loaded();
    await fireEvent.click(screen.getByTestId('sign-in-start'));
    expect((await screen.findByTestId('sign-in-email')).textContent).toBe('sam@corp.example');
    expect(backend.saveSmtpSettings).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('sign-in-sign-out'));
    const notice = await screen.findByTestId('sign-in-notice');
    expect(notice.textContent).toContain('Microsoft 365 offers apps no way to revoke it');
    expect(screen.getByTestId('sign-in-start')).toBeTruthy();
    expect(screen.queryByTestId('sign-in-email')).toBeNull();
  });

  it('says the sign-in lasts one session without a secret store', async () => {
    const backend = fakeBackend({
      getSmtpSettings: async () =>
        smtpView(
          { password_saved: false, password_persistent: false, secret_store_problem: 'no Secret Service', sign_in: signInStatus({ persistent: false }) },
          { account: 'microsoft365', oauth: { ...NO_REGISTRATION, tenant: 'contoso.com', client_id: 'x' } },
        ),
      adminGuide: async () => GUIDE,
      pendingSignIn: async () => null,
    });
    render(SmtpSettings, withBackend(backend));
    const note = await screen.findByTestId('smtp-no-secret-store');
    expect(note.textContent).toContain('Your sign-in is kept only until Afterword closes');
  });

  it('answers a refused sign-in in the core’s words', async () => {
    const backend = fakeBackend({
      getSmtpSettings: async () => microsoftView(),
      adminGuide: async () => GUIDE,
      pendingSignIn: async () => null,
      startSignIn: async () => {
        throw new ApiError('oauth_tenant', "Microsoft does not know the tenant 'contoso.com' (AADSTS90002).");
      },
    });
    render(SmtpSettings, withBackend(backend));
    await loaded();
    await fireEvent.click(screen.getByTestId('sign-in-start'));
    expect((await screen.findByTestId('sign-in-error')).textContent).toContain("Microsoft does not know the tenant 'contoso.com' (AADSTS90002).");
    expect((screen.getByTestId('sign-in-start') as HTMLButtonElement).disabled).toBe(false);
  });
});
