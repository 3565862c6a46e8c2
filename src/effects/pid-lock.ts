/**
 * A lock file holding its owner's pid: one x2nestos per work directory, and at most one writer per
 * artifact (`<file>.lock`), whether the other writer is another process or this one. A lock whose
 * process is gone (a killed run) is recognised as stale and taken over.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { X2Error } from '../errors.js';

export interface FileLock {
  release(): Promise<void>;
}

/**
 * Locks this process holds. An interrupt before anything changed ends the process at once
 * (process.exit in the CLI's signal handler); the locks go with it, so no run leaves a lock file
 * behind for the next one to puzzle over.
 */
const held = new Set<string>();
let exitHookInstalled = false;

function remember(lockPath: string): FileLock {
  held.add(lockPath);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of held) rmSync(p, { force: true });
    });
  }
  return {
    release: async () => {
      held.delete(lockPath);
      await rm(lockPath, { force: true });
    },
  };
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
        return remember(lockPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = lockHolder(await readFile(lockPath, 'utf8').catch(() => ''));
      if (tries === 0 && !(holder !== undefined && isAlive(holder))) {
        await rm(lockPath, { force: true });
        continue;
      }
      throw new X2Error('precondition', `${what} is in use by another x2nestos${holder !== undefined ? ` (pid ${holder})` : ''}`, {
        remedy: `${remedy} (delete ${lockPath} if no x2nestos is running)`,
      });
    }
  } finally {
    await rm(mine, { force: true });
  }
}

/**
 * The pid in a lock file, when it is one. 0 and negative numbers are not processes: kill(0, 0)
 * would ask about our own process group and always answer "alive", so such a lock never cleared.
 */
export function lockHolder(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const pid = Number(trimmed);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
