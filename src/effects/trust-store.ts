/**
 * The certificate authorities https is checked against: Node's bundled list (Mozilla's), the
 * host's own trust store, where a company adds its internal CA (update-ca-certificates,
 * update-ca-trust), and the PEM file given with --ca-file. Only ever added to: no option turns the
 * check off. The host's store is read through the host fs, so the sandbox brings its own.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { X2Error } from '../errors.js';
import type { HostFs } from './hostfs.js';

/** Where distributions keep the bundle their own tools trust (the list Go's crypto/x509 reads). */
export const SYSTEM_CA_FILES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, UOS, Deepin
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL, CentOS, openEuler, Kylin, Anolis
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // RHEL 7+ (the file the above links to)
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/ssl/cert.pem', // Alpine
] as const;

export interface TrustStore {
  /** Every CA certificate, PEM, bundled ones first. */
  ca: string[];
  /** What was used, for the message when a certificate is still not trusted. */
  sources: string[];
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export async function trustStore(fs: HostFs, caFile: string | undefined, cwd: string): Promise<TrustStore> {
  const ca: string[] = [...rootCertificates];
  const sources = ["Node's bundled CAs"];
  const seen = new Set(ca.map(normalise));
  const add = (pem: string) => {
    const key = normalise(pem);
    if (seen.has(key)) return;
    seen.add(key);
    ca.push(pem);
  };
  for (const file of SYSTEM_CA_FILES) {
    const text = await fs.read(file);
    const certs = text?.match(PEM_CERT);
    if (!certs) continue;
    certs.forEach(add);
    sources.push(file);
  }
  if (caFile !== undefined) {
    const file = path.resolve(cwd, caFile);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new X2Error('usage', `cannot read --ca-file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
        remedy: 'give the path of a readable PEM file holding the CA certificate(s)',
        cause: error,
      });
    }
    const certs = text.match(PEM_CERT);
    if (!certs) {
      throw new X2Error('usage', `--ca-file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, {
        remedy: 'give the CA certificate in PEM form (convert DER with `openssl x509 -inform der -in FILE -out ca.pem`)',
      });
    }
    certs.forEach(add);
    sources.push(`--ca-file ${file}`);
  }
  return { ca, sources };
}

function normalise(pem: string): string {
  return pem.replace(/\s+/g, '');
}
