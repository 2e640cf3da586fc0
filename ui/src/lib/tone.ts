// Helpers for editors that show tone findings next to a textarea.

import type { ToneFinding } from './types';

/**
 * Selects a finding's words in `textarea` (its UTF-16 offsets are what the DOM counts in),
 * focuses it and scrolls the selection into view. Offsets past the end (the text changed since
 * the check) are clamped.
 */
export function selectFinding(textarea: HTMLTextAreaElement | null | undefined, finding: ToneFinding): void {
  if (!textarea) return;
  const length = textarea.value.length;
  const start = Math.min(finding.start_utf16, length);
  const end = Math.min(Math.max(finding.end_utf16, start), length);
  textarea.focus();
  textarea.setSelectionRange(start, end);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
  const line = textarea.value.slice(0, start).split('\n').length - 1;
  textarea.scrollTop = Math.max(0, line * lineHeight - textarea.clientHeight / 3);
}
