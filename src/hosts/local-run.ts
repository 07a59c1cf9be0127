/**
 * The network part of a run done here (the core against the server): undici, the Xopero ONE client and the
 * core. The Action loads it with a dynamic import() once the inputs are valid (ncc emits it beside
 * dist/index.js), so a run that fails on its inputs never loads it; the CLI has it in its one file. The
 * WebAssembly setting (wasm-tiering.ts) comes first, before undici compiles its parser.
 */

export { runOperation } from '../core/run.js';
export { lazyArchivedLister } from './archived-lister.js';
