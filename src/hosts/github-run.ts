/**
 * The GitHub face's network part: undici, the Xopero ONE client and the core. A file of its own (ncc emits it
 * beside dist/index.js), loaded once the inputs are valid: a run that fails on its inputs never loads it, and
 * the WebAssembly setting (wasm-tiering.ts) comes first, before undici compiles its parser.
 */
import '../common/wasm-tiering.js';

export { runProtection } from '../core/run.js';
export { lazyArchivedLister } from './archived-lister.js'; // [release]
