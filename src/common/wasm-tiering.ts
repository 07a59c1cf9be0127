/**
 * Imported first by the action's network part (src/hosts/local-run.ts) and by the CLI's entry (src/cli.ts),
 * before anything loads undici.
 *
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 runs it with its baseline compiler (Liftoff) and,
 * once a function has used up its "tiering budget", recompiles it with the optimizing compiler (TurboFan) on a
 * background thread. In a run of a few small responses that recompilation starts near the end, and the
 * process cannot exit before it is done: measured 50-280 ms after main finished (Node 20 and Node 24, more on a
 * busy machine), while the parsing it would speed up is already over.
 *
 * An action cannot pass node flags (action.yml has only `main:`), so the flag is set from inside, before undici
 * compiles its module (it does so when its HTTP/1 client module loads). Measured whole-run wall times chose it:
 *   - `--wasm-tiering-budget` at its maximum (below): the tier-up never triggers, no background compile is
 *     left to wait for; works from v8.setFlagsFromString on Node 20 and Node 24. Chosen.
 *   - `--liftoff-only` from v8.setFlagsFromString: no effect on Node 24 (still ~50 ms after main).
 *   - `--no-wasm-dynamic-tiering`: optimizes every function eagerly instead; the tail goes, but the run before
 *     main finished gets slower (more compile work competing for the CPU), and on Node 20 the tail stayed.
 *   - `process.exit()` after flushing: Node 24 still waits for the compile job (~50 ms).
 * A response body of megabytes (a sweep of many thousand repositories) is parsed by the baseline code a little
 * slower; parsing is not where such a run spends its time.
 */
// Changing a V8 flag changes the hash V8 checks code caches against: every Node built-in module loaded after it
// is compiled from source instead of from the cache in Node's binary (measured: 29 ms more start-up on Node 20,
// about 60 on Node 24, when the flag came first). So the built-ins the run needs are loaded first; they would
// be loaded before the first request anyway (by undici, and fs/promises for the job summary).
import 'node:stream';
import 'node:string_decoder';
import 'node:diagnostics_channel';
import 'node:net';
import 'node:assert';
import 'node:http';
import 'node:crypto';
import 'node:tls';
import 'node:os';
import 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';

/** V8 keeps the budget in a 32-bit int: the largest value, which no run of this product gets through. */
setFlagsFromString('--wasm-tiering-budget=2147483647');
