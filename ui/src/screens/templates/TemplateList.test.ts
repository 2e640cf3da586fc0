import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import TemplateList from './TemplateList.svelte';
import { fakeBackend, template, withBackend } from '../../test/fake';
import { ApiError } from '../../lib/api';

describe('TemplateList', () => {
  it('lists the built-ins first, marked and with their audience and kind, then the analyst’s own', async () => {
    const backend = fakeBackend({
      listTemplates: async () => [
        template({ id: 'b1', name: 'End users', builtin_key: 'end_user', audience: 'end_user' }),
        template({
          id: 'b2',
          name: 'Phishing reporters',
          builtin_key: 'phishing_report',
          customised: true,
          audience: 'end_user',
          incident_kind: 'phishing_report',
        }),
        template({ id: 'u1', name: 'Vendors, kindly', builtin_key: null, audience: 'third_party', incident_kind: null }),
      ],
    });
    render(TemplateList, withBackend(backend));

    const rows = await screen.findAllByTestId('template-row');
    expect(rows.map((row) => row.dataset.id)).toEqual(['b1', 'b2', 'u1']);
    expect(rows[0]!.getAttribute('href')).toBe('#/templates/b1');

    expect(within(rows[0]!).getByTestId('builtin-badge').textContent).toBe('Built-in');
    expect(within(rows[0]!).queryByTestId('customised-mark')).toBeNull();
    expect(rows[0]!.textContent).toContain('End user');
    expect(rows[0]!.textContent).toContain('Any incident');

    expect(within(rows[1]!).getByTestId('customised-mark')).toBeTruthy();
    expect(rows[1]!.textContent).toContain('Phishing report');

    expect(within(rows[2]!).queryByTestId('builtin-badge')).toBeNull();
    expect(rows[2]!.textContent).toContain('Third party / vendor');
    expect(screen.getByTestId('new-template').getAttribute('href')).toBe('#/templates/new');
  });

  it('invites the analyst to make one of their own when there is none', async () => {
    const backend = fakeBackend({ listTemplates: async () => [template()] });
    render(TemplateList, withBackend(backend));
    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain('No templates of your own yet');
  });

  it('explains a failure to load', async () => {
    const backend = fakeBackend({
      listTemplates: async () => {
        throw new ApiError('database', 'database error: disk I/O error');
      },
    });
    render(TemplateList, withBackend(backend));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('disk I/O error');
  });
});
