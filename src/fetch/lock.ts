/**
 * `<file>.lock`: at most one writer per artifact name, whether the other writer is another process
 * (two runs sharing a work directory) or this one. The lock holds the writer's pid so a lock left
 * by a killed run is recognised as stale and taken over.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { X2Error } from '../errors.js';

export interface FileLock {
  release(): Promise<void>;
}

export async function lockFile(target: string): Promise<FileLock> {
  const lockPath = `${target}.lock`;
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
      throw new X2Error('precondition', `${target} is being written by another x2nestos${Number.isInteger(holder) ? ` (pid ${holder})` : ''}`, {
        remedy: `wait for it to finish, or give this run its own --work-dir (delete ${lockPath} if no x2nestos is running)`,
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
