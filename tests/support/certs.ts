/**
 * Test certificates made with openssl: a CA the tests trust, server certificates it issues, and
 * self-signed ones it does not. Shared by every test server (Prosody, ejabberd, the scripted one).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

const run = promisify(execFile);

export interface TestCa {
  caFile: string;
  caKeyFile: string;
  caPem: string;
}

export interface IssuedCert {
  certFile: string;
  keyFile: string;
  certPem: string;
}

/** Environment for a Node process we spawn that must trust the test CA (Node reads it only at start). */
export function envTrustingCa(caFile: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, NODE_EXTRA_CA_CERTS: caFile };
}

/** Generates a test CA (EC P-256, valid 30 days) in `dir`. */
export async function createTestCa(dir: string, name = 'Jabberwock Test CA'): Promise<TestCa> {
  const caFile = path.join(dir, 'ca.pem');
  const caKeyFile = path.join(dir, 'ca.key');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', caKeyFile, '-out', caFile, '-days', '30', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  return { caFile, caKeyFile, caPem: readFileSync(caFile, 'utf8') };
}

function sanFor(hostnames: string[]): string {
  return [...hostnames.map((h) => `DNS:${h}`), 'IP:127.0.0.1'].join(',');
}

/** Issues a server certificate for `hostnames` (first one is the CN) signed by `ca`. */
export async function issueServerCert(
  dir: string,
  ca: TestCa,
  hostnames: string[],
  baseName = 'server',
): Promise<IssuedCert> {
  const keyFile = path.join(dir, `${baseName}.key`);
  const csrFile = path.join(dir, `${baseName}.csr`);
  const certFile = path.join(dir, `${baseName}.pem`);
  const extFile = path.join(dir, `${baseName}.ext`);
  writeFileSync(
    extFile,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=${sanFor(hostnames)}`,
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${hostnames[0]}`,
  ]); // prettier-ignore
  await run('openssl', [
    'x509', '-req', '-in', csrFile, '-CA', ca.caFile, '-CAkey', ca.caKeyFile, '-CAcreateserial',
    '-out', certFile, '-days', '30', '-extfile', extFile,
  ]); // prettier-ignore
  return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8') };
}

/** A test CA in `dir` and a certificate it issued for localhost, as a scripted server's TLS options take it. */
export async function localhostTls(dir: string): Promise<{ ca: TestCa; tls: { key: string; cert: string } }> {
  const ca = await createTestCa(dir);
  const cert = await issueServerCert(dir, ca, ['localhost']);
  return { ca, tls: { key: readFileSync(cert.keyFile, 'utf8'), cert: cert.certPem } };
}

/** A self-signed certificate for `hostnames`, issued by nobody we trust. */
export async function createSelfSignedCert(
  dir: string,
  hostnames: string[],
  baseName = 'selfsigned',
): Promise<IssuedCert> {
  const keyFile = path.join(dir, `${baseName}.key`);
  const certFile = path.join(dir, `${baseName}.pem`);
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', `/CN=${hostnames[0]}`,
    '-addext', `subjectAltName=${sanFor(hostnames)}`,
  ]); // prettier-ignore
  return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8') };
}

/**
 * For a suite against a scripted server: a test CA and a localhost certificate made in `beforeAll`,
 * and temporary directories (`tempDir`) removed in `afterAll`. `tls` and `caPem` are set once the
 * suite has started.
 */
export function localhostTlsSuite(prefix: string): {
  tempDir(): string;
  tls: { key: string; cert: string };
  caPem: string;
} {
  const dirs: string[] = [];
  const suite = {
    tempDir(): string {
      const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    tls: { key: '', cert: '' },
    caPem: '',
  };
  beforeAll(async () => {
    const { ca, tls } = await localhostTls(suite.tempDir());
    suite.tls = tls;
    suite.caPem = ca.caPem;
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return suite;
}
