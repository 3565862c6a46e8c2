/**
 * What a work directory really holds, looked at directly rather than trusted from state.json: a
 * killed run (power loss, SIGKILL, an old version's bug) can leave a staged initrd, which carries
 * the destination Ignition config and keyfiles, without any state describing it. `status` reports
 * these, `abort` removes them.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { stagedPaths } from '../plan/kexec.js';
import { readStateFile, type StagedState } from './state.js';

export interface WorkDirFile {
  path: string;
  bytes: number;
}

export interface WorkDirInspection {
  /** Why the work directory cannot be looked into (not a directory, not readable); undefined when it can. */
  unusable?: string;
  state: StagedState | undefined;
  /** Why state.json is not a usable state, when it exists but is not one. */
  stateCorrupt?: string;
  /** Everything under staged/ (the kernel, the initrd, half-written .part files). */
  staged: WorkDirFile[];
  /** Partial downloads in the cache: resumed by the next run, never loaded. */
  partialDownloads: WorkDirFile[];
}

export async function inspectWorkDir(workDir: string): Promise<WorkDirInspection> {
  const top = await stat(workDir).catch((e: NodeJS.ErrnoException) => e);
  if (top instanceof Error) {
    if (top.code === 'ENOENT') return { state: undefined, staged: [], partialDownloads: [] };
    return { unusable: describeErrno(top.code), state: undefined, staged: [], partialDownloads: [] };
  }
  if (!top.isDirectory()) return { unusable: 'is not a directory', state: undefined, staged: [], partialDownloads: [] };
  const read = await readStateFile(workDir);
  const staged = await filesIn(stagedPaths(workDir).dir);
  const partialDownloads = (await filesIn(path.join(workDir, 'cache'))).filter((f) => f.path.endsWith('.part'));
  return {
    state: 'state' in read ? read.state : undefined,
    ...('corrupt' in read ? { stateCorrupt: read.corrupt } : {}),
    staged,
    partialDownloads,
  };
}

async function filesIn(dir: string): Promise<WorkDirFile[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: WorkDirFile[] = [];
  for (const name of names.sort()) {
    const p = path.join(dir, name);
    const st = await stat(p).catch(() => undefined);
    if (st?.isFile()) out.push({ path: p, bytes: st.size });
  }
  return out;
}

export function describeErrno(code: string | undefined): string {
  switch (code) {
    case 'ENOTDIR':
      return 'is not a directory (a part of the path is a file)';
    case 'EACCES':
    case 'EPERM':
      return 'is not writable by this user';
    case 'EROFS':
      return 'is on a read-only filesystem';
    case 'ENAMETOOLONG':
      return 'is too long a path';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'is on a full filesystem';
    case 'ELOOP':
      return 'has too many levels of symbolic links';
    case 'EEXIST':
      return 'exists and is not a directory';
    default:
      return `cannot be used (${code ?? 'unknown error'})`;
  }
}
