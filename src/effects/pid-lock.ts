/**
 * A lock file holding its owner's pid: one x2nestos per work directory, and at most one writer per
 * artifact (`<file>.lock`), whether the other writer is another process or this one. A lock whose
 * process is gone (a killed run) is recognised as stale and taken over.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { X2Error } from '../errors.js';

export interface FileLock {
  release(): Promise<void>;
}

/** Take `lockPath`; `what` names the thing it guards in the refusal ("the work directory /x"). */
export async function pidLock(lockPath: string, what: string, remedy: string): Promise<FileLock> {
  // The pid is written under a private name and linked into place, so a lock is never seen empty.
  const mine = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(mine, `${process.pid}\n`, { mode: 0o600 });
  try {
    for (let tries = 0; ; tries++) {
      try {
        await link(mine, lockPath);
        return { release: () => rm(lockPath, { force: true }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (tries === 0 && !(Number.isInteger(holder) && isAlive(holder))) {
        await rm(lockPath, { force: true });
        continue;
      }
      throw new X2Error('precondition', `${what} is in use by another x2nestos${Number.isInteger(holder) ? ` (pid ${holder})` : ''}`, {
        remedy: `${remedy} (delete ${lockPath} if no x2nestos is running)`,
      });
    }
  } finally {
    await rm(mine, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
