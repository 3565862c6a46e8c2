/** One x2nestos at a time per work directory. */
import path from 'node:path';
import { ensurePrivateDir } from '../effects/files.js';
import { pidLock, type FileLock } from '../effects/pid-lock.js';

export async function lockWorkDir(workDir: string): Promise<FileLock> {
  await ensurePrivateDir(workDir);
  return pidLock(path.join(workDir, 'lock'), `the work directory ${workDir}`, 'wait for it to finish, or stop it');
}
