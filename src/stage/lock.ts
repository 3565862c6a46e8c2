/**
 * One x2nestos at a time per work directory: a lock file holding the owner's pid, created with
 * O_EXCL. A lock whose process is gone is stale and taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { X2Error } from '../errors.js';
import { ensurePrivateDir } from '../effects/files.js';

export interface Lock {
  release(): Promise<void>;
}

export async function acquireLock(workDir: string, pid: number, isAlive: (pid: number) => boolean): Promise<Lock> {
  await ensurePrivateDir(workDir);
  const file = path.join(workDir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${pid}\n`);
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== pid && isAlive(owner)) {
        throw new X2Error('precondition', `another x2nestos (pid ${owner}) is working in ${workDir}`, { remedy: 'wait for it to finish, or stop it; a stale lock is taken over automatically' });
      }
      await rm(file, { force: true });
    }
  }
  throw new X2Error('precondition', `cannot take the lock in ${workDir}`, { remedy: `remove ${file} if no x2nestos is running` });
}
