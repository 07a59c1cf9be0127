/**
 * Sweep patterns: names or globs matched against a repository's path inside its organization (`api` for
 * `acme/api`, `team-a/api` for `acme/team-a/api`). A pattern that starts with the organization's name and a
 * slash is a full path. `*` and `?` stay within one path segment, `**` crosses `/`. `!pattern` excludes,
 * wherever it stands in the list. Matching ignores case, as Xopero ONE's names do.
 */
export interface PatternSet {
  /** Include patterns without wildcards: a name the user expects to exist (unknown ones trigger a sync). */
  literals: string[];
  /** Some include pattern has a wildcard. */
  hasWildcards: boolean;
  matches(fullName: string): boolean;
}

export function compilePatterns(patterns: string[], organizationName: string): PatternSet {
  const prefix = `${organizationName.toLowerCase()}/`;
  const compile = (pattern: string) => {
    const full = pattern.toLowerCase().startsWith(prefix);
    return { full, regex: globToRegExp(pattern) };
  };
  const includes = patterns.filter((p) => !p.startsWith('!')).map(compile);
  const excludes = patterns.filter((p) => p.startsWith('!')).map((p) => compile(p.slice(1)));
  const test = (rules: Array<{ full: boolean; regex: RegExp }>, fullName: string) => {
    const lower = fullName.toLowerCase();
    const inside = lower.startsWith(prefix) ? fullName.slice(prefix.length) : fullName;
    return rules.some((rule) => rule.regex.test(rule.full ? fullName : inside));
  };
  return {
    literals: patterns
      .filter((p) => !p.startsWith('!') && !/[*?]/.test(p))
      .map((p) => (p.toLowerCase().startsWith(prefix) ? p : `${organizationName}/${p}`)),
    hasWildcards: patterns.some((p) => !p.startsWith('!') && /[*?]/.test(p)),
    matches: (fullName) => test(includes, fullName) && !test(excludes, fullName),
  };
}

/**
 * `*` within a path segment, `**` across segments, `?` one character. Without case by default: repository
 * names are matched as the Git hosts treat them; the broker's workflow patterns pass `ignoreCase: false` (refs
 * and paths in Git are case-sensitive).
 */
export function globToRegExp(glob: string, { ignoreCase = true }: { ignoreCase?: boolean } = {}): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      // `**/` also matches no directory at all: `team/**/api` matches `team/api`.
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
}
