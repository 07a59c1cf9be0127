/** The GitHub Action's entry point: `dist/index.js`, built from here by ncc. */
import { runGithubAction } from './hosts/github.js';

void runGithubAction();
