import { afterEach, describe, expect, it } from 'vitest';
import { arrivalTarget, focusOnArrival, neighbourAfterRemoval, restoreFocus } from './focus';

function screenWith(html: string): HTMLElement {
  const root = document.createElement('main');
  root.innerHTML = html;
  document.body.appendChild(root);
  return root;
}

const nextTask = () => new Promise((done) => setTimeout(done, 0));

describe('focus on arrival', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('picks the intent’s target once the screen has its heading, else the heading', () => {
    const root = screenWith('<input data-focus="list" />');
    expect(arrivalTarget(root, 'list')).toBeNull();
    root.insertAdjacentHTML('afterbegin', '<h1>Incidents</h1>');
    expect(arrivalTarget(root, 'list')?.tagName).toBe('INPUT');
    expect(arrivalTarget(root, 'heading')?.tagName).toBe('H1');
    expect(arrivalTarget(root, 'primary')?.tagName).toBe('H1');
  });

  it('waits for a screen that loads, then focuses its primary field', async () => {
    const root = screenWith('<div aria-busy="true"></div>');
    focusOnArrival(root, 'primary');
    expect(document.activeElement).toBe(document.body);
    root.innerHTML = '<h1>INC-1</h1><input data-focus="primary" data-testid="line" />';
    await nextTask();
    expect(document.activeElement?.getAttribute('data-testid')).toBe('line');
  });

  it('focuses a heading without putting it in the Tab order', () => {
    const root = screenWith('<h1>People</h1>');
    focusOnArrival(root, 'heading');
    const heading = root.querySelector('h1');
    expect(document.activeElement).toBe(heading);
    expect(heading?.getAttribute('tabindex')).toBe('-1');
  });

  it('gives up once the person acts, so their own focus wins', async () => {
    const root = screenWith('<p>Loading</p>');
    focusOnArrival(root, 'heading');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab' }));
    root.innerHTML = '<h1>People</h1>';
    await nextTask();
    expect(document.activeElement).toBe(document.body);
  });

  it('after a removal, points at the item that took its place, else the new last one', () => {
    expect(neighbourAfterRemoval(['a', 'c'], 1)).toBe('c');
    expect(neighbourAfterRemoval(['a', 'b'], 2)).toBe('b');
    expect(neighbourAfterRemoval([], 0)).toBeNull();
  });
});

describe('focus back to a dialog’s opener', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('returns focus to the opener once the dialog is gone', async () => {
    document.body.innerHTML = '<button id="opener">Delete</button>';
    const opener = document.getElementById('opener') as HTMLButtonElement;
    restoreFocus(opener);
    await Promise.resolve();
    expect(document.activeElement).toBe(opener);
  });

  it('leaves focus alone when the opener went away or focus was put elsewhere', async () => {
    document.body.innerHTML = '<button id="opener">Delete</button><input id="other" />';
    const opener = document.getElementById('opener') as HTMLButtonElement;
    (document.getElementById('other') as HTMLInputElement).focus();
    restoreFocus(opener);
    await Promise.resolve();
    expect(document.activeElement?.id).toBe('other');

    (document.activeElement as HTMLElement).blur();
    restoreFocus(opener);
    opener.remove();
    await Promise.resolve();
    expect(document.activeElement).toBe(document.body);
  });
});
