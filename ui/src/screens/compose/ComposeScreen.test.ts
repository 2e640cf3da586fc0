import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import ComposeScreen from './ComposeScreen.svelte';
import ConfirmDialog from '../../components/ConfirmDialog.svelte';
import { ApiError } from '../../lib/api';
import {
  fakeBackend,
  incident,
  messageSummary,
  shownMessage,
  toneFinding,
  withBackend,
  withheldSection,
  type FakeBackend,
} from '../../test/fake';
import type { IncidentDetail, MessageSummary } from '../../lib/types';

const detail: IncidentDetail = { incident: incident({ contributor_count: 3 }), contributions: [] };

const jane = messageSummary({ id: 'm1', person_id: 'p1', person_name: 'Jane Doe', person_email: 'jane@corp.example', person_audience: 'end_user' });
const tom = messageSummary({ id: 'm2', person_id: 'p2', person_name: 'Tom Ortega', person_email: 'tom@corp.example', edited: true });
const vera = messageSummary({
  id: 'm3',
  person_id: 'p3',
  person_name: 'Vera Vendor',
  person_email: 'vera@vendor.example',
  person_audience: 'third_party',
  state: 'skipped',
  skip_reason: 'Thanked in person',
});

function setUp(overrides: Partial<Parameters<typeof fakeBackend>[0]> = {}, list: MessageSummary[] = [jane, tom, vera]) {
  const backend = fakeBackend({
    getIncident: async () => detail,
    listMessages: async () => list,
    appInfo: async () => ({ version: '0.1.0', data_dir: '/home/sam/.local/share/afterword', database: '', schema_version: 1, notice: null, database_problem: null }),
    previewMessage: async (id) => {
      const message = list.find((m) => m.id === id)!;
      return shownMessage({ message }, `${id}-1`);
    },
    ...overrides,
  });
  const options = withBackend(backend, { id: 'i1' });
  render(ComposeScreen, options);
  render(ConfirmDialog, { context: options.context });
  return backend;
}

async function openRow(name: string) {
  const row = (await screen.findAllByTestId('message-row')).find((r) => r.textContent?.includes(name));
  expect(row, `row for ${name}`).toBeDefined();
  await fireEvent.click(row!);
}

describe('ComposeScreen', () => {
  it('lists messages with their state, reason and edited mark, and counts them', async () => {
    setUp();
    const rows = await screen.findAllByTestId('message-row');
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByTestId('message-state').textContent).toContain('Draft');
    expect(within(rows[1]!).getByTestId('message-edited')).toBeTruthy();
    expect(within(rows[2]!).getByTestId('message-state').textContent).toContain('Skipped');
    expect(rows[2]!.textContent).toContain('Thanked in person');
    const counts = screen.getByTestId('message-counts').textContent!.replace(/\s+/g, ' ');
    expect(counts).toContain('3 messages');
    expect(counts).toContain('0 approved');
    expect(counts).toContain('2 drafts');
    expect(counts).toContain('1 skipped');
  });

  it('shows the open message with what is withheld from this person, and the text part', async () => {
    const backend = setUp({
      previewMessage: async (id) =>
        id === 'm3'
          ? shownMessage(
              {
                message: vera,
                to: 'Vera Vendor <vera@vendor.example>',
                text: 'Hi Vera,\n\nWhat happened: we removed every copy.',
                withheld: [
                  withheldSection({
                    heading: 'Inside only',
                    tlp: 'amber_strict',
                    reason: 'outside_organisation',
                    explanation: 'TLP:AMBER+STRICT stays inside your organisation, and this person is outside it.',
                  }),
                ],
              },
              'm3-7',
            )
          : shownMessage({ message: jane }, 'm1-1'),
    });
    await openRow('Vera Vendor');
    const box = await screen.findByTestId('withheld-box');
    expect(box.textContent).toContain('Withheld from this person');
    const items = within(box).getAllByTestId('withheld-item');
    expect(items).toHaveLength(1);
    expect(items[0]!.textContent).toContain('Inside only');
    expect(items[0]!.textContent).toContain('TLP:AMBER+STRICT');
    expect(items[0]!.textContent).toContain('this person is outside it');
    expect(screen.getByTestId('preview-text').textContent).toContain('What happened');
    expect(screen.getByTestId('preview-to').textContent).toBe('Vera Vendor <vera@vendor.example>');

    const frame = screen.getByTestId('preview-frame') as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(frame.getAttribute('src')).toBe('preview://localhost/m3-7');
    expect(backend.previewMessage).toHaveBeenLastCalledWith('m3');
  });

  it('says nothing is withheld when every section may go to the person', async () => {
    setUp();
    await screen.findByTestId('nothing-withheld');
    expect(screen.queryByTestId('withheld-box')).toBeNull();
  });

  it('moves between rows with the arrow keys and opens one with Enter', async () => {
    const backend = setUp();
    const rows = await screen.findAllByTestId('message-row');
    await waitFor(() => expect(backend.previewMessage).toHaveBeenCalledWith('m1'));
    expect(rows[0]!.tabIndex).toBe(0);
    expect(rows[1]!.tabIndex).toBe(-1);
    rows[0]!.focus();
    await fireEvent.keyDown(rows[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(rows[1]);
    await fireEvent.keyDown(rows[1]!, { key: 'End' });
    expect(document.activeElement).toBe(rows[2]);
    await fireEvent.keyDown(rows[2]!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(rows[1]);
    // A button activates on Enter as a click.
    await fireEvent.click(rows[1]!);
    await waitFor(() => expect(backend.previewMessage).toHaveBeenLastCalledWith('m2'));
    await waitFor(() => expect(rows[1]!.getAttribute('aria-current')).toBe('true'));
  });

  it('asks to acknowledge tone notes before approving, then approves with the acknowledgement', async () => {
    const finding = toneFinding({ excerpt: 'You clicked the link', why: 'It puts the blame on Jane.' });
    const backend = setUp({
      previewMessage: async () => shownMessage({ message: jane, findings: [finding] }),
      approveMessage: async (_id, acknowledge) => {
        if (!acknowledge) {
          throw new ApiError('needs_confirmation', 'The message to Jane Doe has 1 open tone finding(s): “You clicked the link”. Approve it anyway?');
        }
        return { ...jane, state: 'approved', approved_at: '2026-11-06T10:00:00Z' };
      },
    });
    await fireEvent.click(await screen.findByTestId('approve-message'));
    const dialog = await screen.findByTestId('approve-dialog');
    expect(dialog.textContent).toContain('Approve it anyway?');
    expect(within(dialog).getAllByTestId('tone-finding')[0]!.textContent).toContain('You clicked the link');
    expect(backend.approveMessage).toHaveBeenCalledTimes(1);
    expect(backend.approveMessage).toHaveBeenLastCalledWith('m1', false);

    await fireEvent.click(within(dialog).getByTestId('approve-anyway'));
    await waitFor(() => expect(backend.approveMessage).toHaveBeenLastCalledWith('m1', true));
    await waitFor(() => expect(screen.queryByTestId('approve-dialog')).toBeNull());
    const row = screen.getAllByTestId('message-row')[0]!;
    await waitFor(() => expect(within(row).getByTestId('message-state').textContent).toContain('Approved'));
    expect(screen.getByTestId('unapprove-message')).toBeTruthy();
  });

  it('does not approve when the analyst goes back to change the text', async () => {
    const finding = toneFinding({ start_utf16: 0, end_utf16: 2 });
    const backend = setUp({
      previewMessage: async () => shownMessage({ message: jane, findings: [finding], markdown: 'Hi Jane, careless of you.' }),
      approveMessage: async () => {
        throw new ApiError('needs_confirmation', 'Approve it anyway?');
      },
      checkTone: async () => [finding],
    });
    await fireEvent.click(await screen.findByTestId('approve-message'));
    await fireEvent.click(await screen.findByTestId('approve-review'));
    const body = (await screen.findByTestId('message-body')) as HTMLTextAreaElement;
    expect(body.value).toBe('Hi Jane, careless of you.');
    expect(backend.approveMessage).toHaveBeenCalledTimes(1);
  });

  it('shows why approval was refused (no sender yet) with a way to Settings', async () => {
    setUp({
      approveMessage: async () => {
        throw new ApiError('invalid', 'Set your address in Settings (Sender) before approving messages.', { field: 'sender_email' });
      },
    });
    await fireEvent.click(await screen.findByTestId('approve-message'));
    const error = await screen.findByTestId('message-error');
    expect(error.textContent).toContain('Set your address in Settings');
    expect(within(error).getByRole('link', { name: 'Open Settings' }).getAttribute('href')).toBe('#/settings');
  });

  it('requires a reason to skip a message', async () => {
    const backend = setUp({
      skipMessage: async (_id, reason) => ({ ...jane, state: 'skipped', skip_reason: reason }),
    });
    await fireEvent.click(await screen.findByTestId('skip-message'));
    await screen.findByTestId('skip-dialog');
    await fireEvent.click(screen.getByTestId('skip-confirm'));
    const error = await screen.findByText(/Say why/);
    expect(error).toBeTruthy();
    expect(screen.getByTestId('skip-reason').getAttribute('aria-invalid')).toBe('true');
    expect(backend.skipMessage).not.toHaveBeenCalled();

    await fireEvent.input(screen.getByTestId('skip-reason'), { target: { value: 'Thanked in person' } });
    await fireEvent.click(screen.getByTestId('skip-confirm'));
    await waitFor(() => expect(backend.skipMessage).toHaveBeenCalledWith('m1', 'Thanked in person'));
    await waitFor(() => expect(screen.queryByTestId('skip-dialog')).toBeNull());
    const row = screen.getAllByTestId('message-row')[0]!;
    await waitFor(() => expect(within(row).getByTestId('message-state').textContent).toContain('Skipped'));
    expect(row.textContent).toContain('Thanked in person');
    expect(screen.getByTestId('unskip-message')).toBeTruthy();
  });

  it('checks the tone while editing, selects a finding’s words, and saves the edit', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const typed = 'Hi Jane,\n\nYou clicked the link, but thanks.';
    const finding = toneFinding({ excerpt: 'You clicked', start_utf16: 10, end_utf16: 21, why: 'It puts the blame on Jane.' });
    const backend = setUp({
      checkTone: async (text) => (text.includes('clicked') ? [finding] : []),
      editMessage: async (_id, subject, body) => shownMessage({ message: { ...jane, edited: true }, subject, markdown: body, text: body }, 'm1-2'),
    });
    await fireEvent.click(await screen.findByTestId('edit-message'));
    const body = (await screen.findByTestId('message-body')) as HTMLTextAreaElement;
    await fireEvent.input(body, { target: { value: typed } });
    await vi.advanceTimersByTimeAsync(400);
    await waitFor(() => expect(backend.checkTone).toHaveBeenLastCalledWith(typed, 'end_user'));
    const shown = await screen.findByTestId('tone-finding');
    expect(shown.textContent).toContain('You clicked');

    await fireEvent.click(within(shown).getByRole('button'));
    expect(document.activeElement).toBe(body);
    expect([body.selectionStart, body.selectionEnd]).toEqual([10, 21]);

    await fireEvent.input(body, { target: { value: 'Hi Jane,\n\nThank you!' } });
    await vi.advanceTimersByTimeAsync(400);
    await waitFor(() => expect(screen.queryByTestId('tone-finding')).toBeNull());

    await fireEvent.click(screen.getByTestId('save-message'));
    await waitFor(() =>
      expect(backend.editMessage).toHaveBeenCalledWith('m1', 'Thank you for your help with INC-2026-0001', 'Hi Jane,\n\nThank you!'),
    );
    await screen.findByTestId('approve-message');
    expect(screen.getByTestId('preview-text').textContent).toBe('Hi Jane,\n\nThank you!');
    await waitFor(() => expect(within(screen.getAllByTestId('message-row')[0]!).getByTestId('message-edited')).toBeTruthy());
  });

  it('shows a template mistake with its line and column', async () => {
    setUp({
      previewMessage: async () =>
        shownMessage({
          message: jane,
          template_error: { part: 'body', line: 3, column: 7, message: 'undefined value: person.nickname' },
        }),
    });
    const error = await screen.findByTestId('template-error');
    expect(error.textContent).toContain('line 3, column 7');
    expect(error.textContent).toContain('person.nickname');
    expect(within(error).getByRole('link').getAttribute('href')).toBe('#/templates/t1');
  });

  it('generates the drafts when there are none, and reports warnings', async () => {
    let list: MessageSummary[] = [];
    const backend = fakeBackend({
      getIncident: async () => detail,
      listMessages: async () => list,
      appInfo: async () => Promise.reject(new Error('no')),
      previewMessage: async (id) => shownMessage({ message: list.find((m) => m.id === id)! }),
      generateMessages: async () => {
        list = [jane, tom];
        return {
          created: 2,
          kept: 0,
          skipped_do_not_contact: 0,
          returned_to_draft: 0,
          removed: 0,
          warnings: ['This incident has no outcome yet, so the messages cannot say how it ended. Add a section under Outcome.'],
        };
      },
    });
    render(ComposeScreen, withBackend(backend, { id: 'i1' }));
    const button = await screen.findByTestId('generate-messages');
    expect(button.textContent).toContain('Generate messages');
    expect(screen.getByTestId('empty-state')).toBeTruthy();
    await fireEvent.click(button);
    await waitFor(() => expect(screen.getAllByTestId('message-row')).toHaveLength(2));
    const report = screen.getByTestId('generate-result');
    expect(report.textContent).toContain('2 new drafts');
    expect(within(report).getByTestId('generate-warning').textContent).toContain('no outcome yet');
    expect(screen.getByTestId('generate-messages').textContent).toContain('Refresh from the latest data');
    await waitFor(() => expect(backend.previewMessage).toHaveBeenCalledWith('m1'));
  });

  it('approves all drafts and lists those that need a look or are blocked', async () => {
    let list: MessageSummary[] = [jane, tom, vera];
    const backend = setUp({
      listMessages: async () => list,
      approveAllMessages: async () => {
        list = [{ ...jane, state: 'approved' }, tom, vera];
        return {
          approved: 1,
          need_acknowledgement: [tom],
          blocked: [],
        };
      },
    });
    await fireEvent.click(await screen.findByTestId('approve-all'));
    await waitFor(() => expect(backend.approveAllMessages).toHaveBeenCalledWith('i1', false));
    const report = await screen.findByTestId('approve-all-result');
    expect(report.textContent).toContain('1 message approved');
    expect(report.textContent).toContain('1 needs a look first');
    const look = within(report).getByTestId('needs-look');
    expect(look.textContent).toContain('Tom Ortega');
    await waitFor(() =>
      expect(within(screen.getAllByTestId('message-row')[0]!).getByTestId('message-state').textContent).toContain('Approved'),
    );
    await fireEvent.click(within(look).getByRole('button', { name: 'Review' }));
    await waitFor(() => expect(backend.previewMessage).toHaveBeenLastCalledWith('m2'));
  });

  it('writes the dry run to a folder and offers to open it', async () => {
    const backend = setUp({
      renderMessages: async (_incident, folder) => ({
        folder,
        written: 2,
        skipped: 1,
        findings: 0,
        messages_with_findings: 0,
        problems: [],
      }),
      openFolder: async () => undefined,
    });
    const folder = (await screen.findByTestId('dryrun-folder')) as HTMLInputElement;
    await waitFor(() => expect(folder.value).toBe('/home/sam/.local/share/afterword/dry-runs/INC-2026-0001'));
    await fireEvent.input(folder, { target: { value: '/tmp/dry' } });
    await fireEvent.click(screen.getByTestId('dryrun-write'));
    await waitFor(() => expect(backend.renderMessages).toHaveBeenCalledWith('i1', '/tmp/dry'));
    const result = await screen.findByTestId('dryrun-result');
    expect(result.textContent).toContain('Wrote 2 .eml files');
    expect(result.textContent).toContain('1 skipped message was left out');
    await fireEvent.click(screen.getByTestId('dryrun-open'));
    expect(backend.openFolder).toHaveBeenCalledWith('/tmp/dry');
    expect(localStorage.getItem('afterword.dryRunFolder')).toBe('/tmp/dry');
    localStorage.clear();
  });

  it('fills the folder from the native picker', async () => {
    const backend: FakeBackend = setUp({ chooseFolder: async () => '/home/sam/Desktop/eml' });
    const folder = (await screen.findByTestId('dryrun-folder')) as HTMLInputElement;
    await fireEvent.click(screen.getByTestId('dryrun-browse'));
    await waitFor(() => expect(folder.value).toBe('/home/sam/Desktop/eml'));
    expect(backend.chooseFolder).toHaveBeenCalledTimes(1);
  });
});
