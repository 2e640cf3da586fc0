// A small hash router: the location hash is the source of truth, so the browser's back and
// forward (and Alt+←/→) move between screens.

export type Route =
  | { name: 'welcome' }
  | { name: 'incidents' }
  | { name: 'incident'; id: string }
  | { name: 'people' }
  | { name: 'person'; id: string }
  | { name: 'settings' }
  | { name: 'home' };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').replace(/\/+$/, '');
  const [section, rawId, ...extra] = path.split('/');
  const id = rawId ? safeDecode(rawId) : '';
  if (extra.length) return { name: 'home' };
  switch (section) {
    case 'welcome':
      return { name: 'welcome' };
    case 'incidents':
      return id ? { name: 'incident', id } : { name: 'incidents' };
    case 'people':
      return id ? { name: 'person', id } : { name: 'people' };
    case 'settings':
      return { name: 'settings' };
    default:
      return { name: 'home' };
  }
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
    case 'person':
      return `#/people/${encodeURIComponent(route.id)}`;
    case 'home':
      return '#/';
    default:
      return `#/${route.name}`;
  }
}

/** The section a route belongs to, for highlighting the sidebar. */
export function sectionOf(route: Route): 'incidents' | 'people' | 'settings' | null {
  switch (route.name) {
    case 'incidents':
    case 'incident':
      return 'incidents';
    case 'people':
    case 'person':
      return 'people';
    case 'settings':
      return 'settings';
    default:
      return null;
  }
}

class Router {
  route = $state<Route>({ name: 'home' });

  start(): () => void {
    this.route = parseHash(location.hash);
    const onChange = () => {
      this.route = parseHash(location.hash);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }

  /** Shows `route`; `replace` swaps the current history entry instead of adding one. */
  go(route: Route, options: { replace?: boolean } = {}): void {
    const target = href(route);
    if (options.replace) {
      history.replaceState(null, '', target);
    } else if (location.hash !== target) {
      location.hash = target;
    }
    this.route = parseHash(target);
  }
}

export const router = new Router();
