/**
 * One helper for every form (incident, person, contribution, and next the template and message
 * editors). A screen describes its values and how to save them; the helper does the rest:
 *
 * - **values and dirty state**: `form.values` is deep `$state` to `bind:` inputs to; `isDirty`
 *   (and `dirtyFields`) compare it with the initial values, or with what was last saved.
 * - **submit**: `form.submit()` (also run by the form's `submit` event and by Ctrl+S / Cmd+S)
 *   checks the optional client-side `validate` rules, calls `submit(values)` once at a time
 *   (`busy` is true meanwhile; a second submit while busy does nothing), then `onSaved`.
 * - **errors**: a failure (an `ApiError`, an `IpcError {code, message, field?}`, anything) goes
 *   next to its field when it is an `invalid`/`conflict` error about one of `fields`
 *   (`form.error(field)`, `form.invalid(field)`), and to `generalError` otherwise (see
 *   lib/errors.ts). The first invalid input is focused. A field's error shows only while the field
 *   holds the value it was about: editing the field clears it, or, when the field has a
 *   `validate` rule, shows that rule's verdict on the new value instead (so it clears as soon as
 *   the field is valid).
 * - **keys**: while focus is inside the form (its own `<dialog>` counts, so a modal's footer
 *   buttons do too), Ctrl+S / Cmd+S saves and Esc cancels.
 * - **cancel**: `form.cancel()` (Esc, a Cancel button, a modal's close) asks with the shared
 *   confirm dialog before discarding unsaved changes, then calls `onCancel` (a page form without
 *   `onCancel` goes back to its saved values instead). Without changes it never asks.
 *
 * ```svelte
 * <script lang="ts">
 *   const form = createForm({
 *     initial: { title: incident.title, summary: incident.summary },
 *     submit: (values) => backend.updateIncident(incident.id, values),
 *     onSaved: (saved) => onsaved(saved),
 *     onCancel: () => onclose(),
 *   });
 * </script>
 *
 * <Modal title="Edit" onclose={form.cancel}>
 *   <form id="edit-form" {@attach form.attach} novalidate>
 *     {#if form.generalError}<div class="error-banner" role="alert">{form.generalError}</div>{/if}
 *     <Field id="title" label="Title" field="title" error={form.error('title')}>
 *       <input id="title" name="title" bind:value={form.values.title} aria-invalid={form.invalid('title')} />
 *     </Field>
 *   </form>
 *   {#snippet footer()}
 *     <button type="button" onclick={form.cancel}>Cancel</button>
 *     <button type="submit" form="edit-form" disabled={form.busy}>Save</button>
 *   {/snippet}
 * </Modal>
 * ```
 *
 * Screens that can navigate away while a form is open should check `form.isDirty` first (or
 * call `form.cancel()` and go on only when it resolves to true).
 */

import { tick } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import { ApiError } from './api';
import { confirmAction, type ConfirmRequest } from './confirm.svelte';
import { fieldError, formError } from './errors';
import { isSave } from './keys';

/** The names of a form's values (which are also the backend's names for its inputs). */
export type FieldName<V> = Extract<keyof V, string>;

/** Client-side rules: the message to show for a value, or null/undefined when it is valid. */
export type Validators<V> = {
  [K in FieldName<V>]?: (value: V[K], values: V) => string | null | undefined;
};

export interface FormOptions<V extends object, R> {
  /** The values the form starts with; `isDirty` compares against these until a save succeeds. */
  initial: V;
  /** Saves the values (a snapshot, safe to keep). Throw (or reject) to show an error. */
  submit: (values: V) => Promise<R> | R;
  /** After a successful submit, with its result and the values that were saved. */
  onSaved?: (result: R, values: V) => void;
  /** Closes the form once the person cancels (and agreed to discard changes, if there were any). */
  onCancel?: () => void;
  /**
   * The fields that show their own error (`IpcError.field` names). Errors about any other field
   * go to `generalError`. Default: every key of `initial`.
   */
  fields?: readonly FieldName<V>[];
  /** Optional client-side rules, checked before `submit` and again as an invalid field is edited. */
  validate?: Validators<V>;
  /** Overrides the wording of the discard-changes confirmation. */
  discard?: Partial<ConfirmRequest>;
}

const DISCARD: ConfirmRequest = {
  title: 'Discard changes?',
  message: 'You have changes that are not saved. They will be lost.',
  confirmLabel: 'Discard changes',
  cancelLabel: 'Keep editing',
  danger: true,
};

/** An error raised about a field, with the value it was about. */
interface Raised {
  message: string;
  value: unknown;
}

export class Form<V extends object, R = unknown> {
  /** The current values: bind inputs to these (`bind:value={form.values.title}`). */
  values: V;
  /** True while `submit` runs. */
  busy = $state(false);

  /** What `values` are compared with: the initial values, then the last saved ones. */
  #baseline: V;
  #raised = $state<Partial<Record<string, Raised>>>({});
  #general = $state<string | null>(null);
  #options: FormOptions<V, R>;
  #fields: readonly string[];
  #root: HTMLFormElement | null = null;
  #asking = false;

  constructor(options: FormOptions<V, R>) {
    this.#options = options;
    this.#fields = options.fields ?? Object.keys(options.initial);
    this.values = $state(copy(options.initial));
    this.#baseline = $state.raw(copy(options.initial));
  }

  /** The fields whose value differs from the initial (or last saved) value. */
  readonly dirtyFields: FieldName<V>[] = $derived.by(() => {
    const keys = new Set([...Object.keys(this.values), ...Object.keys(this.#baseline)]);
    return [...keys].filter((key) => !sameValue(read(this.values, key), read(this.#baseline, key))) as FieldName<V>[];
  });

  /** True when there are changes that would be lost. */
  readonly isDirty: boolean = $derived(this.dirtyFields.length > 0);

  /** The message shown next to each field that has one. */
  readonly errors: Partial<Record<FieldName<V>, string>> = $derived.by(() => {
    const shown: Partial<Record<string, string>> = {};
    for (const [field, raised] of Object.entries(this.#raised)) {
      if (!raised) continue;
      const now = read(this.values, field);
      if (sameValue(now, raised.value)) {
        shown[field] = raised.message;
        continue;
      }
      const message = this.#check(field);
      if (message) shown[field] = message;
    }
    return shown as Partial<Record<FieldName<V>, string>>;
  });

  /** An error that is about none of the form's fields, for the top of the form. */
  get generalError(): string | null {
    return this.#general;
  }

  /** The message to show next to `field`, or null. */
  error = (field: FieldName<V>): string | null => this.errors[field] ?? null;

  /** For `aria-invalid`. */
  invalid = (field: FieldName<V>): boolean => this.error(field) !== null;

  /**
   * Validates, then saves. Resolves to true once saved; false when a rule failed, the save
   * failed (the error is shown) or a save was already under way. Usable as an event handler.
   */
  submit = async (event?: Event): Promise<boolean> => {
    event?.preventDefault();
    if (this.busy) return false;
    const sent = copy(this.values);
    const problems = this.#checkAll(sent);
    if (Object.keys(problems).length > 0) {
      this.#general = null;
      this.#raised = problems;
      void this.#focusFirstInvalid();
      return false;
    }
    this.busy = true;
    this.#general = null;
    this.#raised = {};
    try {
      const result = await this.#options.submit(sent);
      this.#baseline = sent;
      this.#options.onSaved?.(result, sent);
      return true;
    } catch (failure) {
      this.#show(failure, sent);
      return false;
    } finally {
      this.busy = false;
    }
  };

  /**
   * Shows `failure` as `submit` would: next to its field or at the top. For errors from
   * elsewhere (a preview, a check the screen runs itself).
   */
  showError = (failure: unknown): void => {
    this.#show(failure, copy(this.values));
  };

  /** Forgets every error. */
  clearErrors = (): void => {
    this.#general = null;
    this.#raised = {};
  };

  /**
   * Cancels: when there are unsaved changes, asks first. Then calls `onCancel`, or without one
   * puts back the saved values. Resolves to true when the form was cancelled. Usable as a
   * modal's `onclose` and a Cancel button's `onclick`.
   */
  cancel = async (): Promise<boolean> => {
    if (this.#asking) return false;
    if (this.isDirty) {
      this.#asking = true;
      try {
        const yes = await confirmAction({ ...DISCARD, ...this.#options.discard });
        if (!yes) return false;
      } finally {
        this.#asking = false;
      }
    }
    if (this.#options.onCancel) this.#options.onCancel();
    else this.reset();
    return true;
  };

  /**
   * Starts over from `values` (default: the saved values): they become what `isDirty` compares
   * with, and every error goes. For an editor that loads another record, or takes the backend's
   * normalised copy after a save.
   */
  reset = (values?: V): void => {
    if (values !== undefined) this.#baseline = copy(values);
    this.values = copy(this.#baseline);
    this.clearErrors();
  };

  /**
   * `{@attach form.attach}` on the `<form>`: submits on its `submit` event, and while focus is
   * inside it saves on Ctrl+S / Cmd+S and cancels on Esc.
   */
  attach: Attachment<HTMLFormElement> = (element) => {
    this.#root = element;
    const onsubmit = (event: Event) => void this.submit(event);
    const onkeydown = (event: KeyboardEvent) => this.#keydown(event);
    element.addEventListener('submit', onsubmit);
    window.addEventListener('keydown', onkeydown);
    return () => {
      element.removeEventListener('submit', onsubmit);
      window.removeEventListener('keydown', onkeydown);
      if (this.#root === element) this.#root = null;
    };
  };

  /** True when `node` is part of the form: inside it (or its dialog), or a control tied to it. */
  contains(node: Node | null): boolean {
    const root = this.#root;
    if (!root || !node) return false;
    if ((root.closest('dialog') ?? root).contains(node)) return true;
    return (node as { form?: unknown }).form === root;
  }

  #keydown(event: KeyboardEvent): void {
    // Keys typed into the page target the focused element; a key sent to the window (as tests
    // and some webviews do) is about whatever has focus.
    const target = event.target instanceof Node ? event.target : document.activeElement;
    if (!this.contains(target)) return;
    if (isSave(event)) {
      // The app's own handler prevents the browser's "save page" too: do not check defaultPrevented.
      event.preventDefault();
      void this.submit();
    } else if (event.key === 'Escape' && !event.defaultPrevented && !event.isComposing) {
      if (!this.isDirty && !this.#options.onCancel) return;
      event.preventDefault();
      void this.cancel();
    }
  }

  #check(field: string, values: V = this.values): string | null {
    type Rule = (value: unknown, values: V) => unknown;
    const rules = (this.#options.validate ?? {}) as Record<string, Rule | undefined>;
    const rule = rules[field];
    if (!rule) return null;
    const message = rule(read(values, field), values);
    return typeof message === 'string' && message ? message : null;
  }

  #checkAll(values: V): Record<string, Raised> {
    const problems: Record<string, Raised> = {};
    for (const field of Object.keys(this.#options.validate ?? {})) {
      const message = this.#check(field, values);
      if (message) problems[field] = { message, value: read(values, field) };
    }
    return problems;
  }

  #show(failure: unknown, values: V): void {
    const api = ApiError.from(failure);
    const field = api.field;
    const message = field === null ? null : fieldError(api, field);
    if (field === null || message === null || formError(api, this.#fields) !== null) {
      this.#general = api.message;
      this.#raised = {};
      return;
    }
    this.#general = null;
    this.#raised = { [field]: { message, value: read(values, field) } };
    void this.#focusFirstInvalid();
  }

  async #focusFirstInvalid(): Promise<void> {
    await tick();
    const root = this.#root;
    if (!root) return;
    const errors = this.errors as Record<string, string | undefined>;
    const candidates = root.querySelectorAll<HTMLElement>('[aria-invalid="true"], [name]');
    for (const element of Array.from(candidates)) {
      const name = element.getAttribute('name');
      if (element.getAttribute('aria-invalid') === 'true' || (name !== null && errors[name])) {
        element.focus();
        return;
      }
    }
  }
}

/** Makes the one helper for a form: see the overview at the top of this file. */
export function createForm<V extends object, R = unknown>(options: FormOptions<V, R>): Form<V, R> {
  return new Form(options);
}

function read(values: object, key: string): unknown {
  return (values as Record<string, unknown>)[key];
}

/** A plain copy of form values (no proxies, no shared arrays or objects). */
function copy<V>(values: V): V {
  return $state.snapshot(values) as V;
}

/** Equality for form data: primitives, dates, arrays and plain objects, compared by content. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  const left = Object.keys(a);
  const right = Object.keys(b);
  if (left.length !== right.length) return false;
  return left.every((key) => Object.hasOwn(b, key) && sameValue(read(a, key), read(b, key)));
}
