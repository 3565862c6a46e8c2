/**
 * Writes into the work directory. Files appear under their final name only complete and synced:
 * write to `<name>.part`, fsync, rename, fsync the directory. Staged files are 0600 in 0700 dirs.
 */
import { mkdir, open, rename, rm, chmod } from 'node:fs/promises';
import path from 'node:path';

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
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
