/**
 * Whether a file the run will write at its end (result-file, html-file, badge-file, the CLI's dotenv file) can
 * be written, asked before the run, so that a wrong path fails before anything changes on the server instead of
 * after. Nothing is created or truncated here. `createsDirectories`: the writer makes missing directories
 * (mkdir -p), so the nearest directory that exists must be writable; otherwise the file's own directory must.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function unwritableReason(path: string, createsDirectories: boolean): string | undefined {
  const full = resolve(path);
  try {
    if (existsSync(full)) {
      if (statSync(full).isDirectory()) return 'it is a directory';
      accessSync(full, constants.W_OK);
      return undefined;
    }
    let dir = dirname(full);
    if (!createsDirectories && !existsSync(dir)) return `the directory ${dir} does not exist`;
    while (!existsSync(dir)) dir = dirname(dir);
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return `not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

/**
 * mkdir -p for the directory of `path`, one level at a time. Not `mkdirSync(dir, { recursive: true })`: where
 * a level cannot be made and its parent exists (a path under /proc), Node's recursive mkdir tries again forever,
 * at full CPU, deaf to SIGTERM (seen on Node 20 and 24); here that level's error is thrown.
 */
export function makeParentDirectories(path: string): void {
  const missing: string[] = [];
  for (let dir = dirname(resolve(path)); !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
