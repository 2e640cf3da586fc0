import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import FormHarness from '../test/FormHarness.svelte';
import type { Values } from '../test/FormHarness.svelte';
import { ApiError } from './api';
import { confirmations } from './confirm.svelte';
import { createForm, sameValue, type Form, type FormOptions } from './form.svelte';

/** Renders the harness form with `options` and hands back the helper behind it. */
function setup(options: Partial<FormOptions<Values, unknown>> = {}): Form<Values, unknown> {
  let form: Form<Values, unknown> | undefined;
  render(FormHarness, { props: { options, expose: (made: Form<Values, unknown>) => (form = made) } });
  if (!form) throw new Error('the harness did not expose its form');
  return form;
}

function type(testid: string, value: string) {
  const input = screen.getByTestId(testid) as HTMLInputElement;
  input.value = value;
  return fireEvent.input(input);
}

/** A promise and the function that settles it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

afterEach(() => {
  // Never leave a question open for the next test.
  confirmations.answer(false);
});

describe('createForm: dirty state', () => {
  it('is clean until a value differs from the initial one, and clean again when it is put back', async () => {
    const form = setup();
    expect(form.isDirty).toBe(false);
    expect(form.dirtyFields).toEqual([]);
    expect(screen.getByTestId('dirty').textContent).toBe('clean');

    await type('title', 'Phishing wave');
    expect(form.isDirty).toBe(true);
    expect(form.dirtyFields).toEqual(['title']);
    expect(screen.getByTestId('dirty').textContent).toBe('dirty');

    await fireEvent.click(screen.getByTestId('urgent'));
    expect(form.dirtyFields).toEqual(['title', 'urgent']);

    await type('title', 'Phishing');
    await fireEvent.click(screen.getByTestId('urgent'));
    expect(form.isDirty).toBe(false);
  });

  it('compares with what was saved once a save succeeds', async () => {
    const onSaved = vi.fn();
    const form = setup({ submit: async (values) => ({ id: 'i1', ...values }), onSaved });

    await type('title', 'Renamed');
    await fireEvent.click(screen.getByTestId('save'));

    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(onSaved).toHaveBeenCalledWith(
      { id: 'i1', title: 'Renamed', email: 'jane@corp.com', urgent: false },
      { title: 'Renamed', email: 'jane@corp.com', urgent: false },
    );
    expect(form.isDirty).toBe(false);
    await type('title', 'Phishing');
    expect(form.isDirty).toBe(true);
  });

  it('reset() starts over from new values, or from the saved ones', () => {
    const form = createForm({ initial: { title: 'a', tags: ['x'] }, submit: async () => null });
    form.values.tags.push('y');
    expect(form.isDirty).toBe(true);
    form.reset();
    expect(form.values).toEqual({ title: 'a', tags: ['x'] });
    expect(form.isDirty).toBe(false);
    form.reset({ title: 'b', tags: [] });
    expect(form.values.title).toBe('b');
    expect(form.isDirty).toBe(false);
  });

  it('compares arrays and objects by content', () => {
    expect(sameValue(['a', { b: 1 }], ['a', { b: 1 }])).toBe(true);
    expect(sameValue(['a'], ['a', 'b'])).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue('', null)).toBe(false);
  });
});

describe('createForm: errors', () => {
  it('shows a field error next to its field, focuses it, and clears it when that field is edited', async () => {
    const form = setup({
      submit: async () => {
        throw new ApiError('conflict', 'Another person already uses this email.', { field: 'email' });
      },
    });

    await fireEvent.click(screen.getByTestId('save'));

    const error = await screen.findByTestId('email-error');
    expect(error.textContent).toBe('Another person already uses this email.');
    const email = screen.getByTestId('email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(email));
    expect(screen.queryByTestId('general-error')).toBeNull();
    expect(form.errors).toEqual({ email: 'Another person already uses this email.' });

    // Editing another field leaves it; editing this one clears it.
    await type('title', 'Something else');
    expect(screen.getByTestId('email-error')).toBeTruthy();
    await type('email', 'jane@corp.co');
    expect(screen.queryByTestId('email-error')).toBeNull();
    expect(email.getAttribute('aria-invalid')).toBe('false');
    // Back to the value it was about: that value is still taken.
    await type('email', 'jane@corp.com');
    expect(screen.getByTestId('email-error')).toBeTruthy();
  });

  it('maps a plain IpcError {code, message, field} too', async () => {
    const form = setup({
      submit: async () => Promise.reject({ code: 'invalid', message: 'The title is required.', field: 'title' }),
    });
    await fireEvent.click(screen.getByTestId('save'));
    expect((await screen.findByTestId('title-error')).textContent).toBe('The title is required.');
    expect(form.error('title')).toBe('The title is required.');
    expect(form.generalError).toBeNull();
  });

  it('shows errors about no field, or a field the form does not show, at the top', async () => {
    let failure: unknown = new ApiError('database', 'The database is locked.');
    const form = setup({
      fields: ['title'],
      submit: async () => Promise.reject(failure),
    });

    await fireEvent.click(screen.getByTestId('save'));
    expect((await screen.findByTestId('general-error')).textContent).toBe('The database is locked.');
    expect(form.errors).toEqual({});

    // `email` is not one of `fields`: it has no place of its own.
    failure = new ApiError('invalid', 'Bad email.', { field: 'email' });
    await fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('general-error').textContent).toBe('Bad email.'));
    expect(screen.queryByTestId('email-error')).toBeNull();

    // A field error replaces the general one.
    failure = new ApiError('invalid', 'Too long.', { field: 'title' });
    await fireEvent.click(screen.getByTestId('save'));
    await screen.findByTestId('title-error');
    expect(screen.queryByTestId('general-error')).toBeNull();
  });

  it('checks validate rules before submitting, and clears their error once the field is valid', async () => {
    const submit = vi.fn(async () => null);
    const form = setup({
      initial: { title: '', email: 'jane@corp.com', urgent: false },
      submit,
      validate: {
        title: (title) => (title.trim() === '' ? 'Give it a title.' : title.length > 5 ? 'At most 5 letters.' : null),
      },
    });

    await fireEvent.click(screen.getByTestId('save'));
    expect((await screen.findByTestId('title-error')).textContent).toBe('Give it a title.');
    expect(submit).not.toHaveBeenCalled();

    await type('title', 'Too long');
    expect(screen.getByTestId('title-error').textContent).toBe('At most 5 letters.');
    await type('title', 'Short');
    expect(screen.queryByTestId('title-error')).toBeNull();

    await fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(submit).toHaveBeenCalledWith({ title: 'Short', email: 'jane@corp.com', urgent: false }));
    expect(form.errors).toEqual({});
  });
});

describe('createForm: keys', () => {
  it('saves with Ctrl+S or Cmd+S while focus is in the form', async () => {
    const submit = vi.fn(async () => null);
    setup({ submit });
    const title = screen.getByTestId('title');
    title.focus();

    await fireEvent.keyDown(title, { key: 's', ctrlKey: true });
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(1));
    await fireEvent.keyDown(title, { key: 'S', metaKey: true });
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(2));
    // Sent to the window, it is about the focused element.
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(3));
    // The submit button outside the <form> element belongs to it (form="…").
    const save = screen.getByTestId('save');
    save.focus();
    await fireEvent.keyDown(save, { key: 's', ctrlKey: true });
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(4));
  });

  it('prevents the browser from saving the page', async () => {
    setup();
    const title = screen.getByTestId('title');
    title.focus();
    const event = new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true, cancelable: true });
    title.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
  });

  it('ignores Ctrl+S while focus is elsewhere, and other keys', async () => {
    const submit = vi.fn(async () => null);
    setup({ submit });
    const outside = screen.getByTestId('outside');
    outside.focus();
    await fireEvent.keyDown(outside, { key: 's', ctrlKey: true });
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });

    const title = screen.getByTestId('title');
    title.focus();
    await fireEvent.keyDown(title, { key: 's' });
    await fireEvent.keyDown(title, { key: 's', ctrlKey: true, shiftKey: true });
    await tick();
    expect(submit).not.toHaveBeenCalled();
  });

  it('asks before Esc discards changes, and cancels only if the person agrees', async () => {
    const onCancel = vi.fn();
    const form = setup({ onCancel });
    await type('title', 'Half typed');
    const title = screen.getByTestId('title');
    title.focus();

    await fireEvent.keyDown(title, { key: 'Escape' });
    expect(confirmations.pending?.title).toBe('Discard changes?');
    expect(onCancel).not.toHaveBeenCalled();

    confirmations.answer(false);
    await tick();
    expect(onCancel).not.toHaveBeenCalled();
    expect(form.values.title).toBe('Half typed');

    await fireEvent.keyDown(title, { key: 'Escape' });
    expect(confirmations.pending).not.toBeNull();
    confirmations.answer(true);
    await waitFor(() => expect(onCancel).toHaveBeenCalledTimes(1));
  });

  it('cancels at once on Esc without changes', async () => {
    const onCancel = vi.fn();
    setup({ onCancel });
    const title = screen.getByTestId('title');
    title.focus();
    await fireEvent.keyDown(title, { key: 'Escape' });
    expect(confirmations.pending).toBeNull();
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('without onCancel, Esc puts back the saved values after asking, and does nothing when clean', async () => {
    const form = setup();
    const title = screen.getByTestId('title');
    title.focus();
    await fireEvent.keyDown(title, { key: 'Escape' });
    expect(confirmations.pending).toBeNull();

    await type('title', 'Changed');
    await fireEvent.keyDown(title, { key: 'Escape' });
    expect(confirmations.pending).not.toBeNull();
    confirmations.answer(true);
    await waitFor(() => expect((title as HTMLInputElement).value).toBe('Phishing'));
    expect(form.isDirty).toBe(false);
  });

  it('leaves Esc alone while focus is outside the form', async () => {
    const onCancel = vi.fn();
    setup({ onCancel });
    await type('title', 'Changed');
    const outside = screen.getByTestId('outside');
    outside.focus();
    await fireEvent.keyDown(outside, { key: 'Escape' });
    expect(confirmations.pending).toBeNull();
    expect(onCancel).not.toHaveBeenCalled();
  });
});

describe('createForm: submit', () => {
  it('submits once while a save is under way', async () => {
    const pending = deferred<string>();
    const submit = vi.fn(() => pending.promise);
    const onSaved = vi.fn();
    const form = setup({ submit, onSaved });
    const save = screen.getByTestId('save') as HTMLButtonElement;

    await fireEvent.click(save);
    expect(form.busy).toBe(true);
    expect(save.disabled).toBe(true);
    // The button is disabled, but Ctrl+S and direct calls still reach the helper.
    const title = screen.getByTestId('title');
    title.focus();
    await fireEvent.keyDown(title, { key: 's', ctrlKey: true });
    await expect(form.submit()).resolves.toBe(false);
    expect(submit).toHaveBeenCalledTimes(1);

    pending.resolve('saved');
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(form.busy).toBe(false);
    expect(save.disabled).toBe(false);

    await fireEvent.click(save);
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(2));
  });

  it('is not busy any more after a failed save', async () => {
    const form = setup({ submit: async () => Promise.reject(new ApiError('database', 'Locked.')) });
    await expect(form.submit()).resolves.toBe(false);
    expect(form.busy).toBe(false);
    expect(form.generalError).toBe('Locked.');
  });

  it('sends a plain copy of the values, not the live ones', async () => {
    let sent: Values | undefined;
    const form = setup({
      submit: async (values) => {
        sent = values;
      },
    });
    await form.submit();
    form.values.title = 'Later';
    expect(sent).toEqual({ title: 'Phishing', email: 'jane@corp.com', urgent: false });
  });
});
