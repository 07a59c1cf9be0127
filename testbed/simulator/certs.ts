// Test TLS material for the simulator: a throw-away CA and a server certificate it signed, so tests
// exercise real certificate verification (a custom CA) instead of turning verification off.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL = '/usr/bin/openssl';
const VALID_DAYS = '3650';
const FILES = { caCert: 'ca.crt', caKey: 'ca.key', key: 'server.key', cert: 'server.crt' } as const;

export interface TestCertificates {
  /** PEM of the test CA that signed the server certificate: what a client must trust. */
  caCert: string;
  caCertPath: string;
  /** PEM private key and certificate of the server. */
  key: string;
  cert: string;
}

/** testbed/.certs/ in the repository, whatever the working directory. */
export const DEFAULT_CERT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.certs');

/**
 * Returns the test CA and server certificate in `dir`, generating them first if any file is missing.
 * Safe against concurrent callers (parallel jest workers): the files are generated in a private
 * temporary directory that is renamed into place as a whole, so a reader never sees a CA from one
 * generation next to a server certificate from another.
 */
export async function ensureCertificates(dir: string = DEFAULT_CERT_DIR): Promise<TestCertificates> {
  const target = resolve(dir);
  if (!(await isComplete(target))) await generateInto(target);
  return load(target);
}

async function isComplete(dir: string): Promise<boolean> {
  const present = await Promise.all(Object.values(FILES).map((file) => exists(join(dir, file))));
  return present.every(Boolean);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function load(dir: string): Promise<TestCertificates> {
  const read = (file: string) => readFile(join(dir, file), 'utf8');
  const [caCert, key, cert] = await Promise.all([read(FILES.caCert), read(FILES.key), read(FILES.cert)]);
  return { caCert, caCertPath: join(dir, FILES.caCert), key, cert };
}

async function generateInto(target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(`${target}.tmp-`);
  try {
    await generate(tmp);
    await chmod(tmp, 0o755); // mkdtemp's 0700 would hide the CA from a client running as another user
    await moveIntoPlace(tmp, target);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * rename(2) replaces an empty directory but fails on a non-empty one. If another process got there
 * first its complete set wins; an incomplete leftover (an interrupted older run) is moved aside.
 */
async function moveIntoPlace(tmp: string, target: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await rename(tmp, target);
      return;
    } catch (error) {
      if (!isCode(error, 'ENOTEMPTY', 'EEXIST')) throw error;
      if (await isComplete(target)) return;
      const stale = `${target}.stale-${randomBytes(4).toString('hex')}`;
      await rename(target, stale).catch((e: unknown) => {
        if (!isCode(e, 'ENOENT')) throw e; // someone else moved it aside already
      });
      await rm(stale, { recursive: true, force: true });
    }
  }
  throw new Error(`could not install test certificates into ${target}`);
}

function isCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}

async function generate(dir: string): Promise<void> {
  const path = (file: string) => join(dir, file);
  // EC keys: generated in milliseconds, unlike RSA, which matters on a cold CI runner.
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run(OPENSSL, [
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    path(FILES.caKey),
    '-out',
    path(FILES.caCert),
    '-days',
    VALID_DAYS,
    '-subj',
    '/CN=Xopero ONE Simulator Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run(OPENSSL, ['req', '-new', ...newKey, '-keyout', path(FILES.key), '-out', path('server.csr'), '-subj', '/CN=localhost']);
  await writeFile(
    path('server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,DNS:xopero.test,IP:127.0.0.1,IP:::1',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
      '',
    ].join('\n'),
  );
  await run(OPENSSL, [
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    path(FILES.caCert),
    '-CAkey',
    path(FILES.caKey),
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    VALID_DAYS,
    '-extfile',
    path('server.ext'),
    '-out',
    path(FILES.cert),
  ]);
  await Promise.all([rm(path('server.csr')), rm(path('server.ext'))]);
}
