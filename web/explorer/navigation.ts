/**
 * Where the explorer is, kept in the URL so it can be bookmarked and the back
 * button works: a stream (`?stream=ID`) or the event types (`?view=types`,
 * `&type=T` to point at one).
 */
import { useSyncExternalStore, type MouseEvent } from 'react';

export type Route = { readonly view: 'stream'; readonly streamId: string } | { readonly view: 'types'; readonly type: string };

function parse(search: string): Route {
  const params = new URLSearchParams(search);
  if (params.get('view') === 'types') return { view: 'types', type: params.get('type') ?? '' };
  return { view: 'stream', streamId: params.get('stream') ?? '' };
}

/** The page's address for a route (same path, other parameters). */
export function hrefOf(route: Route): string {
  const params = new URLSearchParams();
  if (route.view === 'types') {
    params.set('view', 'types');
    if (route.type) params.set('type', route.type);
  } else if (route.streamId) {
    params.set('stream', route.streamId);
  }
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ''}`;
}

let current: { search: string; route: Route } | undefined;
const listeners = new Set<() => void>();

function snapshot(): Route {
  const { search } = window.location;
  if (current?.search !== search) current = { search, route: parse(search) };
  return current.route;
}

export function navigate(route: Route): void {
  window.history.pushState(null, '', hrefOf(route));
  for (const listener of listeners) listener();
}

export function useRoute(): Route {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    window.addEventListener('popstate', listener);
    return () => {
      listeners.delete(listener);
      window.removeEventListener('popstate', listener);
    };
  }, snapshot);
}

/** For a link's onClick: a plain click navigates in the page; a modified click (new tab) is left to the browser. */
export function followLink(route: Route) {
  return (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(route);
  };
}
