/**
 * Whether a file the run will write at its end (result-file, html-file, badge-file, the CLI's dotenv file) can
 * be written, asked before the run, so that a wrong path fails before anything changes on the server instead of
 * after. Nothing is created or truncated here. `createsDirectories`: the writer makes missing directories
 * (mkdir -p), so the nearest directory that exists must be writable; otherwise the file's own directory must.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
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
