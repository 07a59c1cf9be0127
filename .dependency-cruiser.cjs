/**
 * The import rules of src/ (docs/architecture.md): each folder imports only from the folders below it,
 * hosts -> report -> core -> xopero -> settings -> common, and nothing imports in a circle, not even a type.
 * The entry files (src/index.ts, cli.ts, main.ts, report-entry.ts) sit above hosts.
 * `npm run deps` checks; `npm run deps:graph` redraws docs/architecture-imports.md.
 */
const floors = ['hosts', 'report', 'core', 'xopero', 'settings', 'common'];

// One rule per floor: nothing on it imports a floor above it (or an entry file).
const upward = floors.map((floor, index) => ({
  name: `${floor}-imports-only-down`,
  comment: `src/${floor}/ may import only ${floors.slice(index).join(', ')}.`,
  severity: 'error',
  from: { path: `^src/${floor}/` },
  to: { path: `^src/(${['[^/]+\\.ts$', ...floors.slice(0, index).map((f) => `${f}/`)].join('|')})` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A circle, even type-only, ties two modules into one; move the shared piece a floor down.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    // Type-only imports count: a type a lower floor needs lives on the lower floor.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: {
      // deps:graph collapses the modules to the six folders (and the entry files).
      archi: { collapsePattern: '^src/(hosts|report|core|xopero|settings|common)/' },
    },
  },
};
