/**
 * The endpoint table: every call the client makes, with why repeating it is safe, whether it changes state and
 * the roles it needs. Its own file so the client and its error translation (http-errors.ts) both read it
 * without importing each other.
 */
export interface Endpoint {
  path: string;
  /**
   * Why repeating the call after a lost answer or a 429/5xx cannot do harm. Every call this client makes has
   * such a reason; a call without one (modifygitplan, say) would need a dispatcher that does not retry.
   * The vendor's documentation does not say what a repeated call answers: the reasons of the changing calls
   * are this project's reading of what each call does (the simulator answers so). Were the service to answer
   * a repeat with an error instead, the run reports that id as failed, never as done: no data is lost either way.
   */
  retrySafe: string;
  authenticated: boolean;
  /** Changes state on the server; a read-only or dry run makes none of these. */
  mutating: boolean;
  /**
   * The roles the documentation requires besides System Administrator (one of them), named in a 403's message.
   * Without it the call needs System Administrator only: the API's documentation names no other role for it.
   */
  roles?: string;
  /**
   * The documentation shows the answer as `200 OK` and nothing else: the body is empty, or JSON at most. A body
   * that is neither (a proxy's or firewall's page answered with 200) is not the API's, and the change not confirmed.
   */
  emptyAnswer?: true;
}

/** Every call this client makes. /plans/modifygitplan is deliberately absent: it replaces a plan's whole list. */
export const ENDPOINTS = {
  login: { path: '/account/login', authenticated: false, mutating: false, retrySafe: 'a second login only issues another token' },
  organizations: { path: '/git/organizations/getmany', authenticated: true, mutating: false, retrySafe: 'a read' },
  repositories: { path: '/git/repositories/getmany', authenticated: true, mutating: false, retrySafe: 'a read' },
  assignedPlans: { path: '/plans/listassignedtoorganization', authenticated: true, mutating: false, retrySafe: 'a read' },
  activate: {
    path: '/git/repositories/activate',
    authenticated: true,
    mutating: true,
    roles: 'DataRemoveManagement or GitManagement',
    retrySafe: 'activating an already protected repository reports success and uses no second license',
  },
  attach: {
    path: '/plans/attachgitrepository',
    authenticated: true,
    mutating: true,
    emptyAnswer: true,
    retrySafe: 'the server adds the repository to the plan once; attaching it again changes nothing',
  },
  // Releasing (src/core/release-apply.ts): only ever called for what the user asked to release (mode: release, reclaim).
  deactivate: {
    path: '/git/repositories/deactivate',
    authenticated: true,
    mutating: true,
    roles: 'DataRemoveManagement or GitManagement',
    retrySafe:
      'repeated after a lost answer, it finds the license already freed: the repository stays without a license and no other license changes (an id is counted as freed only when the answer lists it under success)',
  },
  detach: {
    path: '/plans/detachgitrepository',
    authenticated: true,
    mutating: true,
    emptyAnswer: true,
    retrySafe:
      'the server drops the repository from that one plan; detaching it again changes nothing and touches no other plan or repository',
  },
  remove: {
    path: '/git/repositories/remove',
    authenticated: true,
    mutating: true,
    roles: 'DataRemoveManagement or GitManagement',
    retrySafe:
      'removedata is always false, so no backup data is ever deleted; a second remove of the same id finds nothing (GT1001, read as already removed) and removes nothing else',
  },
  sync: {
    path: '/git/repositories/sync',
    authenticated: true,
    mutating: true,
    emptyAnswer: true,
    retrySafe: 'a synchronization only refreshes the list; one already running is not restarted',
  },
  attachAzureProject: {
    path: '/plans/attachazureproject',
    authenticated: true,
    mutating: true,
    emptyAnswer: true,
    retrySafe: 'a plan holds a project once: attaching it again leaves the same selection',
  },
  detachAzureProject: {
    path: '/plans/detachazureproject',
    authenticated: true,
    mutating: true,
    emptyAnswer: true,
    retrySafe: 'removing a project the plan no longer holds leaves the same selection',
  },
} satisfies Record<string, Endpoint>;

/** How long one request may take before it counts as lost (then the retry policy decides). */
export const REQUEST_TIMEOUT_MS = 30_000;
