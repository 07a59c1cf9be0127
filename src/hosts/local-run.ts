/**
 * The network part of a run done here (the core against the server): the transport, the Xopero ONE client and
 * the run's start (core/run.ts, which sends the login and then loads the rest of the core, a file of its own).
 * The Action loads it with a dynamic import() once the inputs are valid (ncc emits it beside dist/index.js), so a
 * run that fails on its inputs never loads it; the CLI has it in its one file. undici comes only with a proxy
 * (src/xopero/transport.ts).
 */

export { runOperation } from '../core/run.js';
export { lazyArchivedLister } from './archived-lister.js';
