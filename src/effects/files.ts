/**
 * Writes into the work directory. Files appear under their final name only complete and synced:
 * write to `<name>.part`, fsync, rename, fsync the directory. Staged files are 0600 in 0700 dirs.
 */
import { mkdirSync } from 'node:fs';
import { mkdir, open, rename, rm, chmod, stat } from 'node:fs/promises';
import path from 'node:path';

export async function ensurePrivateDir(dir: string): Promise<void> {
  for (const d of ancestry(dir)) await mkdir(d, { mode: 0o700 }).catch(ignoreExisting);
  // Never chmod what is not a directory (--work-dir /etc/passwd must not touch /etc/passwd).
  if (!(await stat(dir)).isDirectory())
    throw Object.assign(new Error(`${dir} exists and is not a directory`), { code: 'EEXIST', path: dir });
  await chmod(dir, 0o700);
}

/**
 * `mkdir -p`, one level at a time. Node's own `recursive: true` never returns for a path under
 * /proc (`--work-dir /proc/x` hung x2nestos at 100% CPU): mkdir there fails with ENOENT, which its
 * loop takes as "create the parent first", forever.
 */
export function mkdirParentsSync(dir: string, mode = 0o700): void {
  for (const d of ancestry(dir)) {
    try {
      mkdirSync(d, { mode });
    } catch (e) {
      ignoreExisting(e);
    }
  }
}

function ancestry(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); d !== path.dirname(d); d = path.dirname(d)) out.unshift(d);
  return out;
}

function ignoreExisting(e: unknown): void {
  if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Rename a finished temp file into place durably. */
export async function commitFile(tempPath: string, finalPath: string): Promise<void> {
  const handle = await open(tempPath, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tempPath, finalPath);
  await syncDir(path.dirname(finalPath));
}

export async function writeFileAtomic(finalPath: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const temp = `${finalPath}.part`;
  await rm(temp, { force: true });
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
  await commitFile(temp, finalPath);
}
