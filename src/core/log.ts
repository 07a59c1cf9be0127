/** What the core needs from a host's log. Each face implements it its own way (GitHub groups, GitLab sections). */
export interface Log {
  info(line: string): void;
  warning(line: string): void;
  /** Lines logged inside `work` belong to one collapsible group titled `title`. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}

/** A log that keeps nothing: for library use and tests. */
export const silentLog: Log = {
  info: () => undefined,
  warning: () => undefined,
  group: (_title, work) => work(),
};
