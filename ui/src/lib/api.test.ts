import { beforeEach, describe, expect, it, vi } from 'vitest';

const commands = vi.hoisted(() => ({
  searchPeople: vi.fn(),
  deleteIncident: vi.fn(),
  setPreferences: vi.fn(),
  appInfo: vi.fn(),
  setIncidentStatus: vi.fn(),
  approveMessage: vi.fn(),
  deleteOutcomeSection: vi.fn(),
  chooseFolder: vi.fn(),
  startImport: vi.fn(),
  cancelImport: vi.fn(),
}));
vi.mock('./bindings', () => ({ commands }));
const events = vi.hoisted(() => ({ listen: vi.fn() }));
vi.mock('@tauri-apps/api/event', () => events);

import { ApiError, FILE_DROPPED_EVENT, tauriBackend, unwrap } from './api';

describe('ApiError.from', () => {
  it('keeps code, message, field and the unknown-person details of an IpcError', () => {
    const error = ApiError.from({
      code: 'unknown_person',
      message: 'Nobody with the email a@b.org is known yet.',
      field: null,
      email: 'a@b.org',
      suggested_name: 'Ann Bell',
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('unknown_person');
    expect(error.message).toContain('a@b.org');
    expect(error.email).toBe('a@b.org');
    expect(error.suggestedName).toBe('Ann Bell');
    expect(error.field).toBeNull();
  });

  it('treats a missing field as null', () => {
    const error = ApiError.from({ code: 'invalid', message: 'The title is required.', field: 'title' });
    expect([error.code, error.field]).toEqual(['invalid', 'title']);
    expect(ApiError.from({ code: 'database', message: 'locked' }).field).toBeNull();
  });

  it('wraps plain errors and strings as internal errors', () => {
    expect(ApiError.from(new Error('boom'))).toMatchObject({ code: 'internal', message: 'boom' });
    expect(ApiError.from('command not found')).toMatchObject({ code: 'internal', message: 'command not found' });
    expect(ApiError.from(undefined).message).toMatch(/went wrong/);
  });

  it('returns an ApiError unchanged', () => {
    const original = new ApiError('conflict', 'taken', { field: 'email' });
    expect(ApiError.from(original)).toBe(original);
  });
});

describe('ApiError.from, template errors', () => {
  it('keeps where a template mistake is', () => {
    const error = ApiError.from({
      code: 'template',
      message: 'The template has a mistake.',
      field: null,
      email: null,
      suggested_name: null,
      template: { part: 'body', line: 3, column: 7, message: 'undefined value: person.nickname' },
    });
    expect(error.code).toBe('template');
    expect(error.template).toEqual({ part: 'body', line: 3, column: 7, message: 'undefined value: person.nickname' });
    expect(ApiError.from({ code: 'invalid', message: 'x' }).template).toBeNull();
  });
});

describe('unwrap', () => {
  it('returns the data of an ok result', () => {
    expect(unwrap({ status: 'ok', data: 42 })).toBe(42);
  });

  it('throws the error of an error result as an ApiError', () => {
    expect(() =>
      unwrap({ status: 'error', error: { code: 'not_found', message: 'No incident X', field: null } }),
    ).toThrowError(expect.objectContaining({ code: 'not_found', message: 'No incident X' }));
  });
});

describe('tauriBackend', () => {
  beforeEach(() => {
    vi.resetAllMocks();
  });

  it('passes arguments through and returns the data', async () => {
    commands.searchPeople.mockResolvedValue({ status: 'ok', data: [{ id: 'p1' }] });
    await expect(tauriBackend.searchPeople('jane')).resolves.toEqual([{ id: 'p1' }]);
    expect(commands.searchPeople).toHaveBeenCalledWith('jane', null);
    commands.searchPeople.mockResolvedValue({ status: 'ok', data: [] });
    await tauriBackend.searchPeople('j', 5);
    expect(commands.searchPeople).toHaveBeenLastCalledWith('j', 5);
  });

  it('turns an error result into a thrown ApiError', async () => {
    commands.deleteIncident.mockResolvedValue({
      status: 'error',
      error: { code: 'needs_confirmation', message: 'It has 3 contributions.', field: null, email: null, suggested_name: null },
    });
    const failure = await tauriBackend.deleteIncident('i1', false).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'needs_confirmation', message: 'It has 3 contributions.' });
    expect(commands.deleteIncident).toHaveBeenCalledWith('i1', false);
  });

  it('turns a rejected invoke into an ApiError too', async () => {
    commands.appInfo.mockRejectedValue(new Error('IPC unavailable'));
    await expect(tauriBackend.appInfo()).rejects.toMatchObject({ code: 'internal', message: 'IPC unavailable' });
  });

  it('resolves set_preferences to nothing', async () => {
    commands.setPreferences.mockResolvedValue({ status: 'ok', data: null });
    await expect(tauriBackend.setPreferences({ theme: 'dark' })).resolves.toBeUndefined();
    expect(commands.setPreferences).toHaveBeenCalledWith({ theme: 'dark' });
  });

  it('passes the compose commands their arguments', async () => {
    commands.setIncidentStatus.mockResolvedValue({ status: 'ok', data: { id: 'i1' } });
    await tauriBackend.setIncidentStatus('i1', 'closed', true);
    expect(commands.setIncidentStatus).toHaveBeenCalledWith('i1', 'closed', true);
    commands.approveMessage.mockResolvedValue({ status: 'ok', data: { id: 'm1' } });
    await expect(tauriBackend.approveMessage('m1', false)).resolves.toEqual({ id: 'm1' });
    expect(commands.approveMessage).toHaveBeenCalledWith('m1', false);
    commands.deleteOutcomeSection.mockResolvedValue({ status: 'ok', data: null });
    await expect(tauriBackend.deleteOutcomeSection('s1')).resolves.toBeUndefined();
    commands.chooseFolder.mockResolvedValue({ status: 'ok', data: null });
    await expect(tauriBackend.chooseFolder('Pick')).resolves.toBeNull();
  });

  it('passes the import commands their arguments', async () => {
    const request = { source: { kind: 'file' as const, path: '/tmp/a.csv' }, format: null, mapping: null, audience: null, overwrite: false, choices: [] };
    commands.startImport.mockResolvedValue({ status: 'ok', data: 'import-7' });
    await expect(tauriBackend.startImport(request, true)).resolves.toBe('import-7');
    expect(commands.startImport).toHaveBeenCalledWith(request, true);
    commands.cancelImport.mockResolvedValue({ status: 'ok', data: null });
    await expect(tauriBackend.cancelImport('import-7')).resolves.toBeUndefined();
    expect(commands.cancelImport).toHaveBeenCalledWith('import-7');
  });

  it('hands the path of a dropped file to the handler, and stops listening on request', async () => {
    const unlisten = vi.fn();
    events.listen.mockResolvedValue(unlisten);
    const handler = vi.fn();
    const stop = await tauriBackend.onFileDropped(handler);
    expect(events.listen).toHaveBeenCalledWith(FILE_DROPPED_EVENT, expect.any(Function));
    expect(FILE_DROPPED_EVENT).toBe('file-dropped');
    const onEvent = events.listen.mock.calls[0]![1] as (event: { payload: string }) => void;
    onEvent({ payload: '/home/sam/contacts.vcf' });
    expect(handler).toHaveBeenCalledWith('/home/sam/contacts.vcf');
    stop();
    expect(unlisten).toHaveBeenCalledTimes(1);

    events.listen.mockRejectedValue('event.listen not allowed');
    await expect(tauriBackend.onFileDropped(handler)).rejects.toBeInstanceOf(ApiError);
  });
});
