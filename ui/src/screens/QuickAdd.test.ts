import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import QuickAdd from './QuickAdd.svelte';
import { fakeBackend, person, selectOption, withBackend } from '../test/fake';
import { ApiError } from '../lib/api';
import { confirmations } from '../lib/confirm.svelte';
import type { QuickAddOutcome, QuickAddPreview } from '../lib/types';

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

    await waitFor(() => expect(onadded).toHaveBeenCalledWith([added]));
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

  const maria = person({ id: 'p7', name: 'María López', preferred_name: 'María', email: 'maria@corp.com' });
  const maria2 = person({ id: 'p8', name: 'Maria Lopez', preferred_name: '', email: 'm.lopez@vendor.io' });

  function previewOf(overrides: Partial<QuickAddPreview> & { what?: string; name?: string | null; email?: string }): QuickAddPreview {
    return {
      parsed: {
        email: overrides.email ?? '',
        name: overrides.name ?? 'maria lopez',
        what: overrides.what ?? 'forwarded two more samples',
        role: 'finder',
      },
      person: overrides.person ?? null,
      candidates: overrides.candidates ?? [],
    };
  }

  it('previews a known name with who, what and role, and adds it with Enter', async () => {
    const added = outcome({ person: maria });
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAdd: async () => previewOf({ person: maria }),
      quickAdd: async () => added,
    });
    const onadded = vi.fn();
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded }));
    const input = await typeLine('maria lopez - forwarded two more samples');
    const preview = await screen.findByTestId('quick-add-preview', {}, { timeout: 2000 });
    await waitFor(() =>
      expect(preview.textContent).toMatch(/Adds to\s*María López\s*as\s*Finder \/ reporter:\s*“forwarded two more samples”/),
    );
    expect(backend.previewQuickAdd).toHaveBeenCalledWith('maria lopez - forwarded two more samples');
    expect(screen.queryByText(/separated by a dash/)).toBeNull();

    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(onadded).toHaveBeenCalledWith([added]));
    expect(backend.quickAdd).toHaveBeenCalledWith({
      incident_id: 'i1',
      line: 'maria lopez - forwarded two more samples',
      new_person: null,
    });
  });

  it('does not ask the backend (nor show an error) while only the who part is typed', async () => {
    const backend = fakeBackend({ searchPeople: async () => [] });
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded: vi.fn() }));
    await typeLine('maria lop');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(backend.previewQuickAdd).not.toHaveBeenCalled();
    expect(screen.queryByTestId('quick-add-preview')).toBeNull();
  });

  it('asks which person a shared name means, and adds for the one picked with the keyboard', async () => {
    const added = outcome({ person: maria2 });
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAdd: async (line) =>
        line.includes('<') ? previewOf({ person: maria2, email: maria2.email }) : previewOf({ candidates: [maria, maria2] }),
      quickAdd: async () => added,
    });
    const onadded = vi.fn();
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded }));
    const input = await typeLine('maria lopez: forwarded two more samples');

    await waitFor(() => expect(screen.getAllByTestId('quick-add-candidate')).toHaveLength(2), { timeout: 2000 });
    expect(screen.getByTestId('quick-add-preview').textContent).toMatch(/2 people\s*are called maria lopez/);
    expect(input.getAttribute('aria-expanded')).toBe('true');
    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(input.getAttribute('aria-activedescendant')).toBe('quick-add-candidates-1');
    await fireEvent.keyDown(input, { key: 'Enter' });

    await waitFor(() => expect(onadded).toHaveBeenCalledWith([added]));
    expect(backend.quickAdd).toHaveBeenCalledTimes(1);
    expect(backend.quickAdd).toHaveBeenCalledWith({
      incident_id: 'i1',
      line: 'Maria Lopez <m.lopez@vendor.io> — forwarded two more samples',
      new_person: null,
    });
    expect(input.value).toBe('');
  });

  it('lists the people a shared name means when Enter comes before the preview', async () => {
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAdd: async () => previewOf({ candidates: [maria, maria2] }),
      quickAdd: async () => {
        throw new ApiError('invalid', 'Several people are called maria lopez: …', { field: 'line' });
      },
    });
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded: vi.fn() }));
    const input = await typeLine('maria lopez - samples');
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getAllByTestId('quick-add-candidate')).toHaveLength(2));
    expect(screen.queryByTestId('field-error')).toBeNull();
  });

  it('opens the new-person form for an unknown bare name, name filled and focus on the email', async () => {
    const added = outcome({ created_person: true });
    const quickAdd = vi.fn(async (request: { new_person?: unknown }) => {
      if (!request.new_person) {
        throw new ApiError('unknown_person', 'Nobody called Maria Lopez is known yet: what is their email?', {
          email: '',
          suggestedName: 'Maria Lopez',
        });
      }
      return added;
    });
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAdd: async () => previewOf({ name: 'Maria Lopez' }),
      quickAdd,
    });
    const onadded = vi.fn();
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded }));
    const input = await typeLine('Maria Lopez - forwarded two more samples');
    const preview = await screen.findByTestId('quick-add-preview', {}, { timeout: 2000 });
    await waitFor(() => expect(preview.textContent).toMatch(/New person:\s*Maria Lopez/));
    await fireEvent.keyDown(input, { key: 'Enter' });

    const email = (await screen.findByTestId('new-person-email')) as HTMLInputElement;
    expect((screen.getByTestId('new-person-name') as HTMLInputElement).value).toBe('Maria Lopez');
    await waitFor(() => expect(document.activeElement).toBe(email));
    expect(screen.getByTestId('new-person-form').textContent).toMatch(/What is their email/);

    email.value = 'maria@corp.com';
    await fireEvent.input(email);
    await fireEvent.click(screen.getByTestId('new-person-save'));
    await waitFor(() => expect(onadded).toHaveBeenCalledWith([added]));
    expect(quickAdd).toHaveBeenLastCalledWith({
      incident_id: 'i1',
      line: 'Maria Lopez - forwarded two more samples',
      new_person: expect.objectContaining({ name: 'Maria Lopez', email: 'maria@corp.com' }),
    });
  });

  it('previews a pasted block line by line and adds each understood line as its own contribution', async () => {
    const block = 'maria lopez - forwarded two more samples\n\nkevin@corp.com: pcap of the beacon\nno separator here';
    const kevin = person({ id: 'p9', name: 'Kevin Nguyen', email: 'kevin@corp.com' });
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAddLines: async () => [
        { line_number: 1, line: 'maria lopez - forwarded two more samples', preview: previewOf({ person: maria }), error: null },
        {
          line_number: 3,
          line: 'kevin@corp.com: pcap of the beacon',
          preview: previewOf({ person: kevin, email: 'kevin@corp.com', name: null, what: 'pcap of the beacon' }),
          error: null,
        },
        { line_number: 4, line: 'no separator here', preview: null, error: 'Found no separator in “no separator here”.' },
      ],
      quickAdd: async (request) => outcome({ person: request.line.startsWith('kevin') ? kevin : maria }),
    });
    const onadded = vi.fn();
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded }));
    const input = screen.getByTestId('quick-add-input');
    await fireEvent.paste(input, { clipboardData: { getData: () => block } });

    const box = (await screen.findByTestId('quick-add-lines')) as HTMLTextAreaElement;
    expect(box.value).toBe(block);
    await waitFor(() => expect(screen.getAllByTestId('quick-add-paste-row')).toHaveLength(3), { timeout: 2000 });
    expect(backend.previewQuickAddLines).toHaveBeenCalledWith(block);
    const rows = screen.getAllByTestId('quick-add-paste-row').map((row) => row.textContent ?? '');
    expect(rows[0]).toMatch(/María López.*forwarded two more samples.*Finder/);
    expect(rows[1]).toMatch(/Kevin Nguyen.*pcap of the beacon/);
    expect(rows[2]).toMatch(/Found no separator/);

    const add = screen.getByTestId('quick-add-paste-add');
    expect(add.textContent).toMatch(/Add 2\s*contributions/);
    await fireEvent.click(add);

    // One call for the whole block (so one toast), with both outcomes.
    await waitFor(() => expect(onadded).toHaveBeenCalledTimes(1));
    expect(onadded.mock.calls[0]?.[0]).toHaveLength(2);
    expect(backend.quickAdd).toHaveBeenCalledTimes(2);
    expect(backend.quickAdd).toHaveBeenNthCalledWith(1, {
      incident_id: 'i1',
      line: 'maria lopez - forwarded two more samples',
      new_person: null,
    });
    expect(backend.quickAdd).toHaveBeenNthCalledWith(2, {
      incident_id: 'i1',
      line: 'kevin@corp.com: pcap of the beacon',
      new_person: null,
    });
    await waitFor(() => expect(screen.getByTestId('quick-add-report').textContent).toMatch(/Added 2 contributions/));
    expect(box.value).toBe('no separator here');
    expect(screen.getAllByTestId('quick-add-paste-row')).toHaveLength(1);
  });

  it('keeps a single pasted line in the input', async () => {
    const backend = fakeBackend({ searchPeople: async () => [] });
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded: vi.fn() }));
    const input = screen.getByTestId('quick-add-input');
    await fireEvent.paste(input, { clipboardData: { getData: () => 'jane@corp.com - logs\n' } });
    expect(screen.queryByTestId('quick-add-lines')).toBeNull();
    expect(backend.previewQuickAddLines).not.toHaveBeenCalled();
  });
  it('resolves pasted lines for someone new and a shared name in their rows, then adds every line at once', async () => {
    const block = 'maria lopez - samples\nsam@vendor.io: firewall exports\nsam@vendor.io: more exports\nkevin@corp.com - pcap';
    const kevin = person({ id: 'p9', name: 'Kevin Nguyen', email: 'kevin@corp.com' });
    const sam = person({ id: 'p10', name: 'Sam Ortiz', email: 'sam@vendor.io' });
    const newSam: QuickAddPreview = {
      parsed: { email: 'sam@vendor.io', name: null, what: 'firewall exports', role: 'log_provider' },
      person: null,
      candidates: [],
    };
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAddLines: async () => [
        { line_number: 1, line: 'maria lopez - samples', preview: previewOf({ candidates: [maria, maria2], what: 'samples' }), error: null },
        { line_number: 2, line: 'sam@vendor.io: firewall exports', preview: newSam, error: null },
        { line_number: 3, line: 'sam@vendor.io: more exports', preview: { ...newSam, parsed: { ...newSam.parsed, what: 'more exports' } }, error: null },
        { line_number: 4, line: 'kevin@corp.com - pcap', preview: previewOf({ person: kevin, email: 'kevin@corp.com', name: null, what: 'pcap' }), error: null },
      ],
      quickAdd: async (request) =>
        outcome({
          person: request.new_person || request.line.includes('sam@') ? sam : request.line.includes('kevin') ? kevin : maria2,
          created_person: !!request.new_person,
        }),
    });
    const onadded = vi.fn();
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded }));
    await fireEvent.paste(screen.getByTestId('quick-add-input'), { clipboardData: { getData: () => block } });
    await waitFor(() => expect(screen.getAllByTestId('quick-add-paste-row')).toHaveLength(4), { timeout: 2000 });

    const add = screen.getByTestId('quick-add-paste-add');
    // Only Kevin is known: the others wait for an answer in their rows.
    expect(add.textContent).toMatch(/Add 1\s*contribution\b/);
    const states = () => screen.getAllByTestId('quick-add-paste-row').map((row) => row.dataset.state);
    expect(states()).toEqual(['needs-person', 'needs-person', 'needs-person', 'ready']);
    // Sam is asked about once, on his first line; the second line follows it.
    expect(screen.getAllByTestId('quick-add-paste-name')).toHaveLength(1);
    expect(screen.getAllByTestId('quick-add-paste-row')[2]?.textContent).toMatch(/same person as line 2/);
    // The email came with the line: only the name is asked (prefilled from the email).
    expect(screen.queryByTestId('quick-add-paste-email')).toBeNull();

    selectOption(screen.getByTestId('quick-add-paste-choose'), maria2.id);
    const name = screen.getByTestId('quick-add-paste-name') as HTMLInputElement;
    name.value = 'Sam Ortiz';
    await fireEvent.input(name);
    selectOption(screen.getByTestId('quick-add-paste-audience'), 'third_party');
    await waitFor(() => expect(states()).toEqual(['ready', 'ready', 'ready', 'ready']));
    expect(add.textContent).toMatch(/Add 4\s*contributions/);

    // Ctrl+S adds them all, like the button.
    await fireEvent.keyDown(screen.getByTestId('quick-add-lines'), { key: 's', ctrlKey: true });

    await waitFor(() => expect(onadded).toHaveBeenCalledTimes(1));
    expect(onadded.mock.calls[0]?.[0]).toHaveLength(4);
    expect(backend.quickAdd.mock.calls.map(([request]) => [request.line, request.new_person?.name ?? null, request.new_person?.audience ?? null])).toEqual([
      ['Maria Lopez <m.lopez@vendor.io> — samples', null, null],
      ['sam@vendor.io: firewall exports', 'Sam Ortiz', 'third_party'],
      // Created by the line before: credited, not created twice.
      ['Sam Ortiz <sam@vendor.io> — more exports', null, null],
      ['kevin@corp.com - pcap', null, null],
    ]);
    await waitFor(() => expect(screen.getByTestId('quick-add-report').textContent).toMatch(/Added 4 contributions/));
  });

  it('asks for the email of a pasted bare name in its row', async () => {
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAddLines: async () => [
        { line_number: 1, line: 'Ann Bell - logs', preview: previewOf({ name: 'Ann Bell', what: 'logs' }), error: null },
        { line_number: 2, line: 'Ann Bell - more logs', preview: previewOf({ name: 'ann bell', what: 'more logs' }), error: null },
      ],
      quickAdd: async () => outcome({ created_person: true }),
    });
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded: vi.fn() }));
    await fireEvent.paste(screen.getByTestId('quick-add-input'), { clipboardData: { getData: () => 'Ann Bell - logs\nAnn Bell - more logs' } });
    await waitFor(() => expect(screen.getAllByTestId('quick-add-paste-row')).toHaveLength(2), { timeout: 2000 });

    expect((screen.getByTestId('quick-add-paste-name') as HTMLInputElement).value).toBe('Ann Bell');
    expect(screen.getAllByTestId('quick-add-paste-row')[0]?.textContent).toMatch(/Needs their email/);
    const email = screen.getByTestId('quick-add-paste-email') as HTMLInputElement;
    email.value = 'ann@';
    await fireEvent.input(email);
    expect(screen.getAllByTestId('quick-add-paste-row')[0]?.textContent).toMatch(/Needs a valid email/);
    expect(screen.getByTestId('quick-add-paste-add').hasAttribute('disabled')).toBe(true);
    email.value = 'ann@corp.com';
    await fireEvent.input(email);
    await waitFor(() => expect(screen.getByTestId('quick-add-paste-add').textContent).toMatch(/Add 2\s*contributions/));
  });

  it('saves the inline new-person form with Ctrl+S; an email error clears once the email is valid', async () => {
    const added = outcome({ created_person: true });
    const quickAdd = vi.fn(async (request: { new_person?: unknown }) => {
      if (!request.new_person) {
        throw new ApiError('unknown_person', 'What is their email?', { email: '', suggestedName: 'Ann Bell' });
      }
      return added;
    });
    const backend = fakeBackend({ searchPeople: async () => [], previewQuickAdd: async () => previewOf({ name: 'Ann Bell' }), quickAdd });
    const onadded = vi.fn();
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded }));
    const input = await typeLine('Ann Bell - logs');
    await fireEvent.keyDown(input, { key: 'Enter' });
    const email = (await screen.findByTestId('new-person-email')) as HTMLInputElement;

    await fireEvent.keyDown(email, { key: 's', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('field-error').textContent).toMatch(/Write their email/));
    expect(quickAdd).toHaveBeenCalledTimes(1);
    email.value = 'ann@';
    await fireEvent.input(email);
    expect(screen.getByTestId('field-error').textContent).toMatch(/does not look like an email/);
    email.value = 'ann@corp.com';
    await fireEvent.input(email);
    expect(screen.queryByTestId('field-error')).toBeNull();

    await fireEvent.keyDown(email, { key: 's', ctrlKey: true });
    await waitFor(() => expect(onadded).toHaveBeenCalledWith([added]));
    expect(quickAdd).toHaveBeenLastCalledWith(expect.objectContaining({ new_person: expect.objectContaining({ email: 'ann@corp.com' }) }));
  });

  it('asks before Esc discards what was typed in the inline new-person form, and keeps it on "keep editing"', async () => {
    const backend = fakeBackend({
      searchPeople: async () => [],
      previewQuickAdd: async () => previewOf({ name: 'Ann Bell' }),
      quickAdd: async () => {
        throw new ApiError('unknown_person', 'What is their email?', { email: '', suggestedName: 'Ann Bell' });
      },
    });
    render(QuickAdd, withBackend(backend, { incidentId: 'i1', onadded: vi.fn() }));
    const input = await typeLine('Ann Bell - logs');
    await fireEvent.keyDown(input, { key: 'Enter' });
    const email = (await screen.findByTestId('new-person-email')) as HTMLInputElement;
    email.value = 'ann@corp.com';
    await fireEvent.input(email);

    await fireEvent.keyDown(email, { key: 'Escape' });
    await waitFor(() => expect(confirmations.pending?.cancelLabel).toBe('Keep editing'));
    confirmations.answer(false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((screen.getByTestId('new-person-email') as HTMLInputElement).value).toBe('ann@corp.com');

    await fireEvent.keyDown(email, { key: 'Escape' });
    await waitFor(() => expect(confirmations.pending).not.toBeNull());
    confirmations.answer(true);
    await waitFor(() => expect(screen.queryByTestId('new-person-form')).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId('quick-add-input'));
  });
});
