/**
 * The action as a module exporting `run()`, the shape GitHub's local runner of actions (@github/local-action)
 * imports: `npm run local-action` runs this file from source. `src/index.ts` is the bundle's entry.
 */
export { runGithubAction as run } from './hosts/github.js';
