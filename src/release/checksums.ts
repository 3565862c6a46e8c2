/**
 * `--checksums FILE|URL`: expected hashes the user vouches for, in the format `sha256sum` writes
 * (`<64 hex>  <name>`, `*<name>` in binary mode) or the BSD tag format (`SHA256 (<name>) = <hex>`),
 * as mirrors publish them beside their files (SHA256SUMS, *.CHECKSUM). Entries are matched by
 * file name. Over plain HTTP such a file proves nothing, so only a path or an https URL is taken.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { X2Error } from '../errors.js';
import type { Http } from '../effects/http.js';
import { fetchDocumentFrom } from '../transport/document.js';

export interface Checksums {
  /** The file or URL, for messages. */
  origin: string;
  /** File name → lower-case sha256. */
  byName: Map<string, string>;
}

const GNU_LINE = /^\\?([0-9a-fA-F]{64}) [ *](.+)$/;
const BSD_LINE = /^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$/;

export function parseChecksums(text: string, origin: string): Checksums {
  const byName = new Map<string, string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const gnu = GNU_LINE.exec(line);
    const bsd = gnu ? undefined : BSD_LINE.exec(line);
    const [hex, name] = gnu ? [gnu[1]!, gnu[2]!] : bsd ? [bsd[2]!, bsd[1]!] : [undefined, undefined];
    if (hex === undefined || name === undefined) {
      throw new X2Error('usage', `--checksums ${origin} line ${index + 1} is not "<sha256>  <file name>"`, {
        remedy: 'give a file in the format sha256sum writes (e.g. `sha256sum nestos-* > SHA256SUMS`)',
      });
    }
    const base = path.posix.basename(name);
    const previous = byName.get(base);
    if (previous !== undefined && previous !== hex.toLowerCase()) {
      throw new X2Error('usage', `--checksums ${origin} gives two different sha256 for ${base}`, { remedy: 'keep one entry per file' });
    }
    byName.set(base, hex.toLowerCase());
  });
  return { origin, byName };
}

export async function loadChecksums(given: string, deps: { http: Http; cwd?: string; signal?: AbortSignal }): Promise<Checksums> {
  if (/^http:\/\//i.test(given)) {
    throw new X2Error('usage', `--checksums ${given} is plain HTTP: hashes fetched that way prove nothing`, {
      remedy: 'give the checksum file by https URL or as a local path',
    });
  }
  if (/^https:\/\//i.test(given)) {
    const { text, url } = await fetchDocumentFrom(deps.http, given, {
      what: 'checksum file',
      remedy: 'check --checksums, or download the checksum file and give its path',
      signal: deps.signal,
    });
    if (!url.startsWith('https:')) {
      throw new X2Error('verification', `--checksums ${given} was redirected to plain HTTP (${url}), so it proves nothing`, {
        remedy: 'give a checksum URL that stays on https, or download the file and give its path',
      });
    }
    return parseChecksums(text, given);
  }
  const file = path.resolve(deps.cwd ?? '.', given);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new X2Error('usage', `cannot read --checksums ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      remedy: 'check the path given with --checksums',
      cause: error,
    });
  }
  return parseChecksums(text, file);
}

/** The expected sha256 of `name`, or a one-line refusal naming the file that lacks it. */
export function checksumFor(checksums: Checksums, name: string, what: string): string {
  const hex = checksums.byName.get(name);
  if (hex === undefined) {
    throw new X2Error('verification', `--checksums ${checksums.origin} has no entry for ${name} (${what})`, {
      remedy: `add a line "<sha256>  ${name}" to it, or give the checksum file published with this release`,
    });
  }
  return hex;
}
