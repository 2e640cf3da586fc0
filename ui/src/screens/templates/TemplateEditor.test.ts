import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import TemplateEditor from './TemplateEditor.svelte';
import ConfirmDialog from '../../components/ConfirmDialog.svelte';
import ToastHost from '../../components/ToastHost.svelte';
import { fakeBackend, template, toneFinding, withBackend, type FakeBackend } from '../../test/fake';
import { ApiError } from '../../lib/api';
import { confirmations } from '../../lib/confirm.svelte';
import { toasts } from '../../lib/toast.svelte';
import { router } from '../../lib/router.svelte';
import type { Template, TemplateTrial, VariableDoc } from '../../lib/types';

function trial(overrides: Partial<TemplateTrial> = {}): TemplateTrial {
  return {
    subject: 'Thank you for your help with INC-2026-0042',
    markdown: 'Hi Priya,\n\nthank you!\n',
    error: null,
    findings: [],
    preview_key: 'template-trial-1',
    ...overrides,
  };
}

const VARIABLES: VariableDoc[] = [
  { name: 'person.first_name', description: 'How to greet them.', example: 'Priya' },
  { name: 'incident.reference', description: 'The incident’s reference.', example: 'INC-2026-0042' },
  { name: 'contributions[].what', description: 'What they gave or did.', example: 'Reported the email' },
];

const BODY = 'Hi {{ person.first_name }},\n\nthank you!\n{{ incident.nope }}\nBye';

function setup(current: Template): FakeBackend {
  const backend = fakeBackend({
    listTemplates: async () => [template({ id: 'other', name: 'Other' }), current],
    templateVariables: async () => VARIABLES,
    tryTemplate: async () => trial(),
  });
  const options = withBackend(backend, { id: current.id });
  render(TemplateEditor, options);
  render(ConfirmDialog, { context: options.context });
  render(ToastHost, { context: options.context });
  return backend;
}

async function loaded(): Promise<HTMLTextAreaElement> {
  const body = screen.getByTestId('template-body') as HTMLTextAreaElement;
  await waitFor(() => expect(body.disabled).toBe(false));
  return body;
}

function type(element: HTMLElement, value: string) {
  (element as HTMLInputElement).value = value;
  return fireEvent.input(element);
}

afterEach(() => {
  confirmations.answer(false);
  toasts.dismiss();
});

describe('TemplateEditor', () => {
  it('loads the template and tries it at once: subject, preview and tone notes', async () => {
    const backend = setup(template({ body: BODY }));
    backend.tryTemplate.mockResolvedValue(
      trial({ findings: [toneFinding({ category: 'blame', excerpt: 'careless', why: 'It blames the person.' })] }),
    );
    const body = await loaded();

    expect(body.value).toBe(BODY);
    expect((screen.getByTestId('template-name') as HTMLInputElement).value).toBe('End users');
    const subject = await screen.findByTestId('template-trial-subject');
    expect(subject.textContent).toBe('Thank you for your help with INC-2026-0042');
    expect(backend.tryTemplate).toHaveBeenCalledWith(
      { subject: 'Thank you for your help with {{ incident.reference }}', body: BODY },
      'end_user',
    );
    const findings = await screen.findAllByTestId('tone-finding');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.textContent).toContain('careless');
    expect(findings[0]!.textContent).toContain('It blames the person.');
    expect(screen.getByTestId('template-preview-frame').getAttribute('src')).toContain('template-trial-1');
  });

  it('tries again as the analyst types, and shows a mistake with its line and column, marking the line', async () => {
    const backend = setup(template({ body: 'Hi {{ person.first_name }},' }));
    const body = await loaded();
    await screen.findByTestId('template-trial-subject');
    expect(screen.queryByTestId('template-error')).toBeNull();

    backend.tryTemplate.mockResolvedValue(
      trial({
        subject: '',
        error: { part: 'body', line: 4, column: 4, message: 'incident has no variable “nope”.' },
        preview_key: 'template-trial-2',
      }),
    );
    await type(body, BODY);

    const error = await screen.findByTestId('template-error', {}, { timeout: 2000 });
    expect(error.textContent).toContain('Line 4, column 4: incident has no variable “nope”.');
    expect(backend.tryTemplate).toHaveBeenLastCalledWith(expect.objectContaining({ body: BODY }), 'end_user');
    expect(screen.getByTestId('marked-line').textContent).toBe('{{ incident.nope }}\u200b');
    expect(body.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('template-trial-status').textContent).toContain('body has a mistake');

    // Clicking the place selects it in the body.
    await fireEvent.click(screen.getByTestId('template-error-locate'));
    const lineStart = BODY.indexOf('{{ incident.nope }}');
    expect(document.activeElement).toBe(body);
    expect(body.selectionStart).toBe(lineStart + 3);
    expect(body.selectionEnd).toBe(lineStart + '{{ incident.nope }}'.length);
  });

  it('refuses to save a template with a mistake and shows where, in place', async () => {
    const backend = setup(template({ builtin_key: null, body: BODY }));
    const mistake = { part: 'subject' as const, line: 1, column: 30, message: 'unexpected end of input' };
    // The trial, run as the subject is typed, finds the same mistake the save does.
    backend.tryTemplate.mockImplementation(async (source) =>
      source.subject.endsWith('{{') ? trial({ subject: '', error: mistake }) : trial(),
    );
    backend.updateTemplate.mockRejectedValue(
      new ApiError('template', 'The template’s subject has a problem at line 1, column 30: unexpected end of input', {
        template: mistake,
      }),
    );
    await loaded();
    await screen.findByTestId('template-trial-subject');

    const subject = screen.getByTestId('template-subject') as HTMLInputElement;
    await type(subject, 'Thank you for your help with {{');
    await fireEvent.click(screen.getByTestId('template-save'));

    const error = await screen.findByTestId('template-error');
    expect(error.dataset.part).toBe('subject');
    expect(error.textContent).toContain('Line 1, column 30: unexpected end of input');
    expect(error.closest('.field')).toBe(subject.closest('.field'));
    expect(subject.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(backend.updateTemplate).toHaveBeenCalledWith('t1', {
      name: 'End users',
      audience: 'end_user',
      incident_kind: null,
      subject: 'Thank you for your help with {{',
      body: BODY,
    });
    expect(screen.getByTestId('template-unsaved')).toBeTruthy();
  });

  it('saves with Ctrl+S, sending "anyone" and "any kind" as null', async () => {
    const current = template({ builtin_key: null, audience: 'it_operations', incident_kind: 'phishing_report' });
    const backend = setup(current);
    backend.updateTemplate.mockImplementation(async (_id, input) => ({ ...current, ...input, audience: null, incident_kind: null }));
    await loaded();

    const audience = screen.getByTestId('template-audience') as HTMLSelectElement;
    const kind = screen.getByTestId('template-kind') as HTMLSelectElement;
    expect(audience.value).toBe('it_operations');
    for (const select of [audience, kind]) {
      select.value = '';
      await fireEvent.change(select);
    }
    // A template for anyone is tried as the reader chosen beside the preview.
    await screen.findByTestId('template-try-as');
    const name = screen.getByTestId('template-name');
    name.focus();
    await fireEvent.keyDown(name, { key: 's', ctrlKey: true });

    await waitFor(() =>
      expect(backend.updateTemplate).toHaveBeenCalledWith('t1', expect.objectContaining({ audience: null, incident_kind: null })),
    );
    await waitFor(() => expect(screen.queryByTestId('template-unsaved')).toBeNull());
  });

  it('lists the variables; clicking one inserts it at the cursor', async () => {
    setup(template({ body: 'Hi ,' }));
    const body = await loaded();
    await fireEvent.click(screen.getByTestId('template-tab-variables'));

    const list = await screen.findByTestId('template-variables');
    const items = within(list).getAllByTestId('template-variable');
    expect(items.map((item) => item.dataset.name)).toEqual(['person.first_name', 'incident.reference', 'contributions[].what']);
    expect(items[0]!.textContent).toContain('How to greet them.');
    expect(items[0]!.textContent).toContain('Priya');

    body.focus();
    body.setSelectionRange(3, 3);
    await fireEvent.click(items[0]!);
    expect(body.value).toBe('Hi {{ person.first_name }},');
    expect(document.activeElement).toBe(body);
    expect(body.selectionStart).toBe('Hi {{ person.first_name }}'.length);

    // An item of a list is written as inside its loop.
    await fireEvent.click(items[2]!);
    expect(body.value).toBe('Hi {{ person.first_name }}{{ c.what }},');
  });

  it('asks before resetting a built-in to the shipped text', async () => {
    const current = template({ customised: true, body: 'My own words' });
    const shipped = template({ customised: false, body: 'Shipped words' });
    const backend = setup(current);
    backend.resetTemplate.mockResolvedValue(shipped);
    await loaded();
    expect(screen.getByTestId('customised-mark')).toBeTruthy();
    expect(screen.queryByTestId('template-delete')).toBeNull();

    await fireEvent.click(screen.getByTestId('template-reset'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog.textContent).toContain('shipped text');
    expect(dialog.textContent).toContain('Your saved changes to it are lost.');
    await fireEvent.click(screen.getByTestId('confirm-cancel'));
    expect(backend.resetTemplate).not.toHaveBeenCalled();

    await fireEvent.click(screen.getByTestId('template-reset'));
    await screen.findByTestId('confirm-dialog');
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(backend.resetTemplate).toHaveBeenCalledWith('t1'));
    await waitFor(() => expect((screen.getByTestId('template-body') as HTMLTextAreaElement).value).toBe('Shipped words'));
    expect(screen.queryByTestId('customised-mark')).toBeNull();
  });

  it('deletes a template of the analyst’s and offers to undo it', async () => {
    const mine = template({ id: 'mine', name: 'Vendors, kindly', builtin_key: null, audience: 'third_party' });
    const backend = setup(mine);
    backend.deleteTemplate.mockResolvedValue(undefined);
    backend.restoreTemplate.mockResolvedValue(mine);
    await loaded();
    expect(screen.queryByTestId('template-reset')).toBeNull();

    await fireEvent.click(screen.getByTestId('template-delete'));
    await waitFor(() => expect(backend.deleteTemplate).toHaveBeenCalledWith('mine'));
    expect(router.route).toEqual({ name: 'templates' });
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('Deleted “Vendors, kindly”');

    await fireEvent.click(screen.getByTestId('toast-undo'));
    await waitFor(() => expect(backend.restoreTemplate).toHaveBeenCalledWith('mine'));
    await waitFor(() => expect(router.route).toEqual({ name: 'template', id: 'mine' }));
  });

  it('duplicates a template and opens the copy', async () => {
    const backend = setup(template());
    backend.duplicateTemplate.mockResolvedValue(template({ id: 'copy', name: 'End users (copy)', builtin_key: null }));
    await loaded();

    await fireEvent.click(screen.getByTestId('template-duplicate'));
    await waitFor(() => expect(backend.duplicateTemplate).toHaveBeenCalledWith('t1'));
    expect(router.route).toEqual({ name: 'template', id: 'copy' });
  });

  it('says so when the template is gone', async () => {
    const backend = fakeBackend({
      listTemplates: async () => [template({ id: 'other' })],
      templateVariables: async () => VARIABLES,
    });
    render(TemplateEditor, withBackend(backend, { id: 'gone' }));
    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain('not here any more');
  });

  it('creates a new template from a starter text, asking for a name first', async () => {
    const backend = fakeBackend({
      templateVariables: async () => VARIABLES,
      tryTemplate: async () => trial(),
      createTemplate: async (input) => template({ ...input, id: 'fresh', builtin_key: null, audience: null, incident_kind: null }),
    });
    render(TemplateEditor, withBackend(backend, { id: 'new' }));
    const body = await loaded();
    expect(body.value).toContain('{{ person.first_name }}');
    expect(backend.listTemplates).not.toHaveBeenCalled();

    await fireEvent.click(screen.getByTestId('template-save'));
    const error = await screen.findByTestId('field-error');
    expect(error.dataset.field).toBe('name');
    expect(backend.createTemplate).not.toHaveBeenCalled();

    await type(screen.getByTestId('template-name'), 'Phishing reporters');
    await fireEvent.click(screen.getByTestId('template-save'));
    await waitFor(() => expect(backend.createTemplate).toHaveBeenCalledWith(expect.objectContaining({ name: 'Phishing reporters', audience: null })));
    await waitFor(() => expect(router.route).toEqual({ name: 'template', id: 'fresh' }));
  });
});
