/** The report action's entry point: `dist/report/index.js` (report/action.yml), built from here by ncc. */
import { runReportAction } from './hosts/report-action.js';

void runReportAction();
