/** The GitHub Action's entry point: `dist/index.js`, built from here by ncc. */
import { exitWhenFlushed } from './common/exit.js';
import { runGithubAction } from './hosts/github.js';

void runGithubAction().then(exitWhenFlushed);
