/**
 * `<name>.sha256` beside each verified file: its size, mtime and sha256 when it was committed. A
 * re-run whose file still has that size and mtime trusts the recorded hash instead of reading
 * 1 GB again; any difference means the file was touched, and it is hashed afresh.
 * A file outside the work directory (a local ISO) gets its record in the work directory instead,
 * with its path, so nothing is ever written beside the user's own files.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../effects/files.js';
import { isSha256, sha256File } from './verify.js';

export interface Sidecar {
  sha256: string;
  size: number;
  /** Nanoseconds, as a decimal string (beyond the precision of a double). */
  mtimeNs: string;
  /** For a file cut out of an ISO: the verified ISO's sha256 and where in it the file lay. */
  iso?: { sha256: string; offset: number; length: number };
  /** The file described, when the record does not sit beside it. */
  path?: string;
}

export function sidecarPath(file: string): string {
  return `${file}.sha256`;
}

export async function writeSidecar(
  file: string,
  sha256: string,
  extra: Pick<Sidecar, 'iso'> = {},
  recordAt = sidecarPath(file),
): Promise<Sidecar> {
  const st = await stat(file, { bigint: true });
  const record: Sidecar = {
    sha256,
    size: Number(st.size),
    mtimeNs: st.mtimeNs.toString(),
    ...extra,
    ...(recordAt === sidecarPath(file) ? {} : { path: file }),
  };
  await writeFileAtomic(recordAt, JSON.stringify(record) + '\n');
  return record;
}

export async function removeSidecar(file: string): Promise<void> {
  await rm(sidecarPath(file), { force: true });
}

/** The recorded hash when the file is unchanged since it was recorded, else undefined. */
export async function trustedSidecar(file: string, recordAt = sidecarPath(file)): Promise<Sidecar | undefined> {
  let record: Partial<Sidecar>;
  try {
    record = JSON.parse(await readFile(recordAt, 'utf8')) as Partial<Sidecar>;
  } catch {
    return undefined;
  }
  const st = await stat(file, { bigint: true }).catch(() => undefined);
  if (!st || typeof record.sha256 !== 'string' || !isSha256(record.sha256)) return undefined;
  if (record.size !== Number(st.size) || record.mtimeNs !== st.mtimeNs.toString()) return undefined;
  if (recordAt !== sidecarPath(file) && record.path !== file) return undefined;
  return record as Sidecar;
}

/** sha256 of a file, from its record when that still matches, else by reading it (and recording it). */
export async function knownHash(
  file: string,
  options: { signal?: AbortSignal; recordAt?: string } = {},
): Promise<{ sha256: string; size: number; sidecar?: Sidecar }> {
  const recordAt = options.recordAt ?? sidecarPath(file);
  const record = await trustedSidecar(file, recordAt);
  if (record) return { sha256: record.sha256, size: record.size, sidecar: record };
  const sha256 = await sha256File(file, options.signal);
  const written = await writeSidecar(file, sha256, {}, recordAt);
  return { sha256, size: written.size };
}
