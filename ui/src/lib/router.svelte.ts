// A small hash router: the location hash is the source of truth, so the browser's back and
// forward (and Alt+←/→) move between screens. Each arrival also says where focus should go
// (lib/focus.ts); App moves it.
import type { FocusIntent } from './focus';

export type Route =
  | { name: 'welcome' }
  | { name: 'incidents' }
  | { name: 'incident'; id: string }
  /** The thank-you messages of one incident. */
  | { name: 'compose'; id: string }
  | { name: 'people' }
  | { name: 'person'; id: string }
  /** The import wizard: people from a file or pasted addresses. */
  | { name: 'import' }
  | { name: 'templates' }
  /** A template's editor; the id `new` is a template not saved yet. */
  | { name: 'template'; id: string }
  /** Settings; `section` scrolls to one part of it (the mail server, from the Outbox). */
  | { name: 'settings'; section?: SettingsSection }
  /** Every message handed to the sender, with its state. */
  | { name: 'outbox' }
  /** Deleted incidents, people and contributions that can be restored. */
  | { name: 'deleted' }
  /**
   * Contributor and recognition reports; `incident` (a reference or id) or `person` (an email or
   * id) starts the report on one incident or one person's contributions: `#/reports?incident=…`.
   */
  | { name: 'reports'; incident?: string; person?: string }
  | { name: 'home' };

/** The parts of Settings a link can point at: the mail server, or its sign-in (from the Outbox). */
export type SettingsSection = 'mail-server' | 'sign-in';

/** The template id that stands for a new, unsaved template. */
export const NEW_TEMPLATE = 'new';

export function parseHash(hash: string): Route {
  const whole = hash.replace(/^#\/?/, '');
  const mark = whole.indexOf('?');
  const path = (mark < 0 ? whole : whole.slice(0, mark)).replace(/\/+$/, '');
  const query = new URLSearchParams(mark < 0 ? '' : whole.slice(mark + 1));
  const [section, rawId, ...extra] = path.split('/');
  const id = rawId ? safeDecode(rawId) : '';
  if (section === 'incidents' && id && extra.length === 1 && extra[0] === 'compose') {
    return { name: 'compose', id };
  }
  if (extra.length) return { name: 'home' };
  switch (section) {
    case 'welcome':
      return { name: 'welcome' };
    case 'incidents':
      return id ? { name: 'incident', id } : { name: 'incidents' };
    case 'people':
      return id ? { name: 'person', id } : { name: 'people' };
    case 'templates':
      return id ? { name: 'template', id } : { name: 'templates' };
    case 'settings':
      return id === 'mail-server' || id === 'sign-in' ? { name: 'settings', section: id } : { name: 'settings' };
    case 'outbox':
      return { name: 'outbox' };
    case 'import':
      return { name: 'import' };
    case 'deleted':
      return { name: 'deleted' };
    case 'reports':
      return id ? { name: 'home' } : reportsRoute(query);
    default:
      return { name: 'home' };
  }
}

/** The Reports route with what its query names (one of an incident or a person; the incident wins). */
function reportsRoute(query: URLSearchParams): Route {
  const incident = query.get('incident')?.trim();
  if (incident) return { name: 'reports', incident };
  const person = query.get('person')?.trim();
  if (person) return { name: 'reports', person };
  return { name: 'reports' };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function href(route: Route): string {
  switch (route.name) {
    case 'incident':
      return `#/incidents/${encodeURIComponent(route.id)}`;
    case 'compose':
      return `#/incidents/${encodeURIComponent(route.id)}/compose`;
    case 'person':
      return `#/people/${encodeURIComponent(route.id)}`;
    case 'template':
      return `#/templates/${encodeURIComponent(route.id)}`;
    case 'settings':
      return route.section ? `#/settings/${route.section}` : '#/settings';
    case 'reports':
      if (route.incident) return `#/reports?incident=${encodeURIComponent(route.incident)}`;
      if (route.person) return `#/reports?person=${encodeURIComponent(route.person)}`;
      return '#/reports';
    case 'home':
      return '#/';
    default:
      return `#/${route.name}`;
  }
}

/** The section a route belongs to, for highlighting the sidebar. */
export function sectionOf(
  route: Route,
): 'incidents' | 'people' | 'import' | 'reports' | 'templates' | 'outbox' | 'settings' | 'deleted' | null {
  switch (route.name) {
    case 'incidents':
    case 'incident':
    case 'compose':
      return 'incidents';
    case 'people':
    case 'person':
      return 'people';
    case 'import':
      return 'import';
    case 'reports':
      return 'reports';
    case 'templates':
    case 'template':
      return 'templates';
    case 'settings':
      return 'settings';
    case 'outbox':
      return 'outbox';
    case 'deleted':
      return 'deleted';
    default:
      return null;
  }
}

/**
 * Asked before the address moves away from the current screen (a link, Back, Alt+←): answer
 * false (now or later) to stay. An editor with unsaved changes sets one while it is open.
 */
export type LeaveGuard = (to: Route) => boolean | Promise<boolean>;

/** One arrival on a screen: `seq` grows with each, so the same intent twice still counts. */
export interface Arrival {
  seq: number;
  focus: FocusIntent;
}

class Router {
  route = $state<Route>({ name: 'home' });
  /** The latest arrival (seq 0: the app's first screen, where focus is left alone). */
  arrival = $state<Arrival>({ seq: 0, focus: 'heading' });
  #guard: LeaveGuard | null = null;

  start(): () => void {
    this.route = parseHash(location.hash);
    const onChange = () => void this.#arrive(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }

  /**
   * Shows `route`; `replace` swaps the current history entry instead of adding one; `focus` says
   * where focus goes once the screen is drawn (default: its heading).
   */
  go(route: Route, options: { replace?: boolean; focus?: FocusIntent } = {}): void {
    const target = href(route);
    if (options.replace) {
      history.replaceState(null, '', target);
    } else if (location.hash !== target) {
      location.hash = target;
    }
    this.route = parseHash(target);
    this.#arrived(options.focus ?? 'heading');
  }

  /**
   * Goes to `route` the way a link does: a screen's leave guard is asked first (unlike `go`, which
   * only a screen that knows it may leave calls). Answers whether it went.
   */
  async visit(route: Route, options: { focus?: FocusIntent } = {}): Promise<boolean> {
    const guard = this.#guard;
    if (guard && href(route) !== href(this.route) && !(await guard(route))) return false;
    this.go(route, options);
    return true;
  }

  #arrived(focus: FocusIntent): void {
    this.arrival = { seq: this.arrival.seq + 1, focus };
  }

  /**
   * Asks `guard` before the address moves to another screen (programmatic `go` is not asked: the
   * screen calling it knows). Returns the function that removes the guard.
   */
  guardLeave(guard: LeaveGuard): () => void {
    this.#guard = guard;
    return () => {
      if (this.#guard === guard) this.#guard = null;
    };
  }

  async #arrive(next: Route): Promise<void> {
    const guard = this.#guard;
    const target = href(next);
    if (!guard || target === href(this.route)) {
      this.#show(next);
      return;
    }
    const answer = guard(next);
    if (answer === true) {
      this.#show(next);
      return;
    }
    // Put the address back while the screen asks (and for good when the answer is no).
    history.replaceState(null, '', href(this.route));
    if (await answer) {
      history.pushState(null, '', target);
      this.#show(next);
    }
  }

  #show(next: Route): void {
    // `go` already counted this arrival when it set the hash (the hashchange follows it).
    if (href(next) === href(this.route)) return;
    this.route = next;
    this.#arrived('heading');
  }
}

export const router = new Router();
