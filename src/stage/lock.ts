/** One x2nestos at a time per work directory. */
import path from 'node:path';
import { X2Error } from '../errors.js';
import { ensurePrivateDir } from '../effects/files.js';
import { pidLock, type FileLock } from '../effects/pid-lock.js';
import { describeErrno } from './leftovers.js';

export async function lockWorkDir(workDir: string): Promise<FileLock> {
  try {
    await ensurePrivateDir(workDir);
    return await pidLock(path.join(workDir, 'lock'), `the work directory ${workDir}`, 'wait for it to finish, or stop it');
  } catch (e) {
    throw workDirError(e, workDir);
  }
}

/** A work directory that cannot be created or written is the user's to fix, not a crash. */
export function workDirError(e: unknown, workDir: string): unknown {
  if (e instanceof X2Error) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === undefined) return e;
  return new X2Error(code === 'ENAMETOOLONG' ? 'usage' : 'precondition', `the work directory ${workDir} ${describeErrno(code)}`, {
    remedy: 'pass --work-dir with a directory root can create and write (the default is /var/lib/x2nestos)',
    cause: e,
  });
}
