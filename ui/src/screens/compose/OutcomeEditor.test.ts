import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import OutcomeEditor from './OutcomeEditor.svelte';
import ToastHost from '../../components/ToastHost.svelte';
import { ApiError } from '../../lib/api';
import { fakeBackend, incident, outcomeSection, person, withBackend } from '../../test/fake';
import type { OutcomeSection, OutcomeSectionInput } from '../../lib/types';

const amber = incident({ tlp: 'amber' });

describe('OutcomeEditor', () => {
  it('explains why the outcome matters when there is none', async () => {
    const backend = fakeBackend({ getOutcome: async () => [] });
    render(OutcomeEditor, withBackend(backend, { incident: amber }));
    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain('how it ended');
    expect(empty.textContent).toContain('TLP label');
    expect(empty.textContent).toContain('only see what their label allows');
  });

  it('adds a section with the incident’s label by default', async () => {
    let saved: OutcomeSection[] = [];
    const backend = fakeBackend({
      getOutcome: async () => saved,
      addOutcomeSection: async (_incident, input) => {
        const section = outcomeSection({ id: 's1', heading: input.heading, body: input.body, tlp: input.tlp ?? 'amber' });
        saved = [section];
        return section;
      },
    });
    render(OutcomeEditor, withBackend(backend, { incident: amber }));
    await fireEvent.click(await screen.findByTestId('outcome-add'));
    expect((screen.getByTestId('outcome-tlp-amber') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('outcome-form').textContent).toContain('on a need-to-know basis');
    await fireEvent.input(screen.getByTestId('outcome-heading'), { target: { value: 'What happened' } });
    await fireEvent.input(screen.getByTestId('outcome-body'), { target: { value: 'We removed every copy.' } });
    await fireEvent.click(screen.getByTestId('outcome-save'));
    await waitFor(() =>
      expect(backend.addOutcomeSection).toHaveBeenCalledWith('i1', {
        heading: 'What happened',
        body: 'We removed every copy.',
        tlp: 'amber',
        readers: [],
      }),
    );
    const sections = await screen.findAllByTestId('outcome-section');
    expect(sections).toHaveLength(1);
    expect(sections[0]!.textContent).toContain('What happened');
    expect(sections[0]!.textContent).toContain('TLP:AMBER');
  });

  it('shows the backend’s reader error in place for TLP:RED without readers, then saves with a reader', async () => {
    const calls: OutcomeSectionInput[] = [];
    const backend = fakeBackend({
      getOutcome: async () => [],
      searchPeople: async () => [person({ id: 'p7', name: 'Ann Lee', email: 'ann@corp.com' })],
      addOutcomeSection: async (_incident, input) => {
        calls.push(input);
        if (input.tlp === 'red' && input.readers.length === 0) {
          throw new ApiError('invalid', 'A TLP:RED section goes only to the people named on it: name at least one reader.', {
            field: 'readers',
          });
        }
        return outcomeSection({ tlp: 'red', readers: [{ person_id: 'p7', name: 'Ann Lee', email: 'ann@corp.com' }] });
      },
    });
    render(OutcomeEditor, withBackend(backend, { incident: amber }));
    await fireEvent.click(await screen.findByTestId('outcome-add'));
    await fireEvent.input(screen.getByTestId('outcome-body'), { target: { value: 'The attacker is known to us.' } });
    await fireEvent.click(screen.getByTestId('outcome-tlp-red'));
    expect(screen.getByTestId('outcome-form').textContent).toContain('Named recipients only');
    await fireEvent.click(screen.getByTestId('outcome-save'));

    const readers = await screen.findByTestId('outcome-readers');
    const error = await within(readers).findByTestId('field-error');
    expect(error.getAttribute('data-field')).toBe('readers');
    expect(error.textContent).toContain('name at least one reader');
    expect(screen.getByTestId('reader-picker-input').getAttribute('aria-invalid')).toBe('true');

    // Pick a reader: the error goes, and the save sends the reader's id.
    const search = screen.getByTestId('reader-picker-input');
    await fireEvent.focus(search);
    await fireEvent.input(search, { target: { value: 'ann' } });
    const suggestion = await screen.findByTestId('reader-picker-suggestion', {}, { timeout: 2000 });
    await fireEvent.click(suggestion);
    expect(within(readers).getAllByTestId('picked-person')[0]!.textContent).toContain('Ann Lee');
    expect(within(readers).queryByTestId('field-error')).toBeNull();
    await fireEvent.click(screen.getByTestId('outcome-save'));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toMatchObject({ tlp: 'red', readers: ['p7'] });
  });

  it('shows the reader error when readers are kept on a label other than RED', async () => {
    const red = outcomeSection({ tlp: 'red', readers: [{ person_id: 'p7', name: 'Ann Lee', email: 'ann@corp.com' }] });
    const backend = fakeBackend({
      getOutcome: async () => [red],
      updateOutcomeSection: async () => {
        throw new ApiError('invalid', 'Only a TLP:RED section names its readers; TLP:GREEN goes to every contributor it allows.', {
          field: 'readers',
        });
      },
    });
    render(OutcomeEditor, withBackend(backend, { incident: amber }));
    await fireEvent.click(await screen.findByTestId('outcome-edit'));
    await fireEvent.click(screen.getByTestId('outcome-tlp-green'));
    // The readers stay visible with a note, so the backend's error has a place to show.
    expect(screen.getByTestId('outcome-readers').textContent).toContain('Only a TLP:RED section names its readers');
    await fireEvent.click(screen.getByTestId('outcome-save'));
    const error = await within(screen.getByTestId('outcome-readers')).findByTestId('field-error');
    expect(error.textContent).toContain('goes to every contributor it allows');
    // Removing the reader clears it.
    await fireEvent.click(screen.getByTestId('picked-remove'));
    expect(screen.queryByTestId('outcome-readers')).toBeNull();
  });

  it('moves sections up and down', async () => {
    const first = outcomeSection({ id: 's1', heading: 'First', position: 0 });
    const second = outcomeSection({ id: 's2', heading: 'Second', position: 1 });
    const backend = fakeBackend({
      getOutcome: async () => [first, second],
      moveOutcomeSection: async () => [
        { ...second, position: 0 },
        { ...first, position: 1 },
      ],
    });
    render(OutcomeEditor, withBackend(backend, { incident: amber }));
    const sections = await screen.findAllByTestId('outcome-section');
    expect((within(sections[0]!).getByTestId('outcome-move-up') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(within(sections[1]!).getByTestId('outcome-move-up'));
    await waitFor(() => expect(backend.moveOutcomeSection).toHaveBeenCalledWith('s2', 0));
    await waitFor(() => expect(screen.getAllByTestId('outcome-section')[0]!.textContent).toContain('Second'));
  });

  it('deletes a section with an undo', async () => {
    let live = [outcomeSection({ id: 's1', heading: 'What happened' })];
    const backend = fakeBackend({
      getOutcome: async () => live,
      deleteOutcomeSection: async () => {
        live = [];
      },
      restoreOutcomeSection: async () => {
        live = [outcomeSection({ id: 's1', heading: 'What happened' })];
        return live[0]!;
      },
    });
    const options = withBackend(backend, { incident: amber });
    render(OutcomeEditor, options);
    render(ToastHost, { context: options.context });
    await fireEvent.click(await screen.findByTestId('outcome-delete'));
    await waitFor(() => expect(screen.queryAllByTestId('outcome-section')).toHaveLength(0));
    expect((await screen.findByTestId('toast')).textContent).toContain('Removed “What happened”');
    await fireEvent.click(screen.getByTestId('toast-undo'));
    await waitFor(() => expect(backend.restoreOutcomeSection).toHaveBeenCalledWith('s1'));
    await waitFor(() => expect(screen.getAllByTestId('outcome-section')).toHaveLength(1));
  });
});
