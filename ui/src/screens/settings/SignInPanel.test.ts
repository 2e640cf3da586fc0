import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import SignInPanel from './SignInPanel.svelte';
import { fakeBackend, signInStarted, signInStatus, withBackend } from '../../test/fake';
import { ApiError } from '../../lib/api';
import { toasts } from '../../lib/toast.svelte';
import type { SignInStatus } from '../../lib/types';

afterEach(() => toasts.dismiss());

/** A promise the test settles by hand. */
function later<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

const SIGNED_IN = signInStatus({ signed_in_as: 'sam@corp.example', signed_in_at: '2026-11-25T10:00:00Z', problem: null });

/** The panel as the mail server form holds it: the status it is given follows what it reports. */
function renderPanel(backend: ReturnType<typeof fakeBackend>, status: SignInStatus | null = signInStatus()) {
  const prepare = vi.fn(async () => true);
  const onstatus = vi.fn();
  const view = render(SignInPanel, withBackend(backend, { kind: 'microsoft365' as const, status, prepare, onstatus }));
  onstatus.mockImplementation((next: SignInStatus) => view.rerender({ kind: 'microsoft365', status: next, prepare, onstatus }));
  return { prepare, onstatus };
}

describe('the sign-in panel', () => {
  it('waits with the link to copy and Cancel, then says who signed in', async () => {
    const done = later<SignInStatus>();
    const backend = fakeBackend({
      pendingSignIn: async () => null,
      startSignIn: async () => signInStarted(),
      waitSignIn: () => done.promise,
    });
    const { prepare, onstatus } = renderPanel(backend);
    expect(screen.getByTestId('sign-in-status').textContent).toContain('Not signed in: sign in with Microsoft 365.');
    await fireEvent.click(screen.getByTestId('sign-in-start'));

    const waiting = await screen.findByTestId('sign-in-waiting');
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(waiting.textContent).toContain('Waiting for you to sign in with Microsoft 365 in your browser');
    expect(waiting.textContent).toContain('If your browser did not open, copy this link into it');
    expect((screen.getByTestId('sign-in-url') as HTMLInputElement).value).toBe(
      'https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize?client_id=3f2504e0&state=s1',
    );
    expect(screen.queryByTestId('sign-in-browser-problem')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('sign-in-cancel')));

    // Copy: without a clipboard here, the link is selected for Ctrl+C.
    await fireEvent.click(screen.getByTestId('sign-in-copy'));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('sign-in-url')));
    expect(toasts.current?.message).toContain('press Ctrl+C');

    done.resolve(SIGNED_IN);
    expect((await screen.findByTestId('sign-in-email')).textContent).toBe('sam@corp.example');
    expect(onstatus).toHaveBeenCalledWith(SIGNED_IN);
    expect(screen.getByTestId('sign-in-status').textContent).toContain('Signing out removes the sign-in from this computer');
    expect(screen.queryByTestId('sign-in-waiting')).toBeNull();
  });

  it('says when the browser could not be opened, and a cancelled sign-in changes nothing', async () => {
    const done = later<SignInStatus>();
    const backend = fakeBackend({
      pendingSignIn: async () => null,
      startSignIn: async () =>
        signInStarted({ browser_opened: false, browser_problem: 'Afterword could not open your browser: this computer has no program to open links, such as xdg-open.' }),
      waitSignIn: () => done.promise,
      cancelSignIn: async () => {
        done.reject(new ApiError('cancelled', 'The sign-in was cancelled; the previous sign-in, if any, is kept.'));
        return true;
      },
    });
    const { onstatus } = renderPanel(backend, SIGNED_IN);
    await fireEvent.click(screen.getByTestId('sign-in-again'));
    const problem = await screen.findByTestId('sign-in-browser-problem');
    expect(problem.textContent).toContain('Afterword could not open your browser: this computer has no program to open links, such as xdg-open. Open this link in your browser');
    expect((screen.getByTestId('sign-in-url') as HTMLInputElement).value).toContain('https://login.microsoftonline.com/');

    await fireEvent.click(screen.getByTestId('sign-in-cancel'));
    expect((await screen.findByTestId('sign-in-notice')).textContent).toContain('Sign-in cancelled. Nothing was changed.');
    expect(screen.getByTestId('sign-in-email').textContent).toBe('sam@corp.example');
    expect(onstatus).not.toHaveBeenCalled();
    expect(screen.queryByTestId('sign-in-error')).toBeNull();
  });

  it('keeps the previous sign-in when the new one is refused, in the core’s words', async () => {
    const message =
      'The sign-in was declined (access_denied: AADSTS65004: User declined to consent). If you did not decline it, your organisation may not allow this app: ask your admin.';
    const backend = fakeBackend({
      pendingSignIn: async () => null,
      startSignIn: async () => signInStarted(),
      waitSignIn: async () => {
        throw new ApiError('oauth_denied', message);
      },
    });
    renderPanel(backend, SIGNED_IN);
    await fireEvent.click(screen.getByTestId('sign-in-again'));
    expect((await screen.findByTestId('sign-in-error')).textContent).toContain(message);
    expect(screen.getByTestId('sign-in-email').textContent).toBe('sam@corp.example');
  });

  it('offers the device code only when the settings opt in, and shows the code to enter', async () => {
    const backend = fakeBackend({
      pendingSignIn: async () => null,
      startSignIn: async () =>
        signInStarted({
          browser_opened: false,
          prompt: {
            kind: 'enter_code',
            verification_uri: 'https://microsoft.com/devicelogin',
            user_code: 'ABCD-1234',
            message: null,
            expires_at: '2026-11-25T10:15:00Z',
          },
        }),
      waitSignIn: () => new Promise(() => {}),
    });
    renderPanel(backend, signInStatus({ device_code: true }));
    await fireEvent.click(screen.getByTestId('sign-in-device-code'));
    expect(backend.startSignIn).toHaveBeenCalledWith('device_code');
    await screen.findByTestId('sign-in-waiting');
    expect(screen.getByTestId('sign-in-verification').textContent).toBe('https://microsoft.com/devicelogin');
    expect((screen.getByTestId('sign-in-code') as HTMLInputElement).value).toBe('ABCD-1234');
    expect(screen.queryByTestId('sign-in-url')).toBeNull();
  });

  it('shows no device-code button without the opt-in', async () => {
    renderPanel(fakeBackend({ pendingSignIn: async () => null }));
    await waitFor(() => expect(screen.getByTestId('sign-in-start')).toBeTruthy());
    expect(screen.queryByTestId('sign-in-device-code')).toBeNull();
  });

  it('picks up a sign-in still under way when Settings opens again', async () => {
    const done = later<SignInStatus>();
    const backend = fakeBackend({ pendingSignIn: async () => signInStarted(), waitSignIn: () => done.promise });
    renderPanel(backend);
    await screen.findByTestId('sign-in-waiting');
    expect(backend.startSignIn).not.toHaveBeenCalled();
    done.resolve(SIGNED_IN);
    expect((await screen.findByTestId('sign-in-email')).textContent).toBe('sam@corp.example');
  });

  it('says what signing out did, revoked or not', async () => {
    const backend = fakeBackend({
      pendingSignIn: async () => null,
      signOut: async () => ({
        report: { email: 'sam@corp.example', revoked: true, message: 'Signed out sam@corp.example: the sign-in was revoked and removed from this computer.' },
        status: signInStatus({ kind: 'microsoft365' }),
      }),
    });
    renderPanel(backend, { ...SIGNED_IN, revokes_on_sign_out: true });
    expect(screen.getByTestId('sign-in-status').textContent).toContain('Signing out also revokes the sign-in.');
    await fireEvent.click(screen.getByTestId('sign-in-sign-out'));
    expect((await screen.findByTestId('sign-in-notice')).textContent).toContain('the sign-in was revoked and removed from this computer');
    expect(screen.getByTestId('sign-in-start')).toBeTruthy();
  });
});
