import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import MailPreviewFrame, { previewUrl } from './MailPreviewFrame.svelte';
import ToneFindings from './ToneFindings.svelte';
import { toneFinding } from '../test/fake';

describe('MailPreviewFrame', () => {
  it('loads the preview protocol (http://preview.localhost on Windows)', () => {
    expect(previewUrl('m1-3', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15')).toBe('preview://localhost/m1-3');
    expect(previewUrl('m1-3', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15')).toBe('preview://localhost/m1-3');
    expect(previewUrl('m1-3', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/120')).toBe(
      'http://preview.localhost/m1-3',
    );
    expect(previewUrl('a b/c')).toBe('preview://localhost/a%20b%2Fc');
  });

  it('is a sandboxed frame with no referrer and a title, with a light/dark switch', async () => {
    render(MailPreviewFrame, { props: { previewKey: 'm1-1', title: 'The message to Jane' } });
    const frame = screen.getByTestId('preview-frame') as HTMLIFrameElement;
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(frame.getAttribute('title')).toBe('The message to Jane');
    expect(frame.getAttribute('src')).toBe('preview://localhost/m1-1');

    await fireEvent.click(screen.getByTestId('preview-dark'));
    expect(screen.getByTestId('preview-frame').classList.contains('dark')).toBe(true);
    expect(screen.getByTestId('preview-dark').getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByTestId('preview-light'));
    expect(screen.getByTestId('preview-frame').classList.contains('light')).toBe(true);
  });

  it('follows the app theme at first', () => {
    document.documentElement.setAttribute('data-theme', 'dark');
    render(MailPreviewFrame, { props: { previewKey: 'k-1', title: 'x' } });
    expect(screen.getByTestId('preview-frame').getAttribute('data-scheme')).toBe('dark');
  });
});

describe('ToneFindings', () => {
  const blame = toneFinding({ category: 'blame', excerpt: 'careless', why: 'It blames the person.', suggestion: 'Describe what happened.' });
  const jargon = toneFinding({ category: 'jargon', excerpt: 'C2 beacon', why: 'An end user will not know this term.', suggestion: 'Say “a hidden connection”.' });

  it('lists each finding in plain words: kind, words, why, suggestion', () => {
    render(ToneFindings, { props: { findings: [blame, jargon] } });
    const items = screen.getAllByTestId('tone-finding');
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain('Sounds like blame');
    expect(items[0]!.textContent).toContain('careless');
    expect(items[0]!.textContent).toContain('It blames the person.');
    expect(items[0]!.textContent).toContain('Describe what happened.');
    expect(items[1]!.textContent).toContain('Jargon for this reader');
    expect(screen.getByTestId('tone-count').textContent).toBe('2 notes');
    // Without onselect, nothing is clickable.
    expect(within(items[0]!).queryByRole('button')).toBeNull();
  });

  it('hands the chosen finding to onselect', async () => {
    const onselect = vi.fn();
    render(ToneFindings, { props: { findings: [blame, jargon], onselect } });
    await fireEvent.click(within(screen.getAllByTestId('tone-finding')[1]!).getByRole('button'));
    expect(onselect).toHaveBeenCalledWith(jargon);
  });

  it('says so when there is nothing to note, or shows nothing when asked', () => {
    const { unmount } = render(ToneFindings, { props: { findings: [], empty: 'All good.' } });
    expect(screen.getByTestId('tone-findings').textContent).toContain('All good.');
    unmount();
    render(ToneFindings, { props: { findings: [], empty: '' } });
    expect(screen.queryByTestId('tone-findings')).toBeNull();
  });
});
