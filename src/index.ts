/** The GitHub Action's entry point: `dist/index.js`, built from here by ncc. */
import { run } from './main.js';

void run();
