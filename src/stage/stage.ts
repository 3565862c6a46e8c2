/**
 * Lays out what kexec loads: the verified kernel, and one initrd = live initramfs (+ rootfs when
 * appended) + our payload, streamed into staged/ with 4-byte padding (src/stage/combine.ts).
 * Everything lands under its final name only once complete.
 */
import { copyFile, rm } from 'node:fs/promises';
import { commitFile, ensurePrivateDir } from '../effects/files.js';
import { stagedPaths } from '../plan/kexec.js';
import type { LocalArtifact } from '../model/artifacts.js';
import { combineInitrd } from './combine.js';

export interface Staged {
  kernel: string;
  initrd: string;
  initrdBytes: number;
  initrdSha256: string;
}

export async function stageFiles(
  workDir: string,
  artifacts: { kernel: LocalArtifact; initramfs: LocalArtifact; rootfs: LocalArtifact },
  payload: Buffer,
  rootfsMode: 'append' | 'url',
  opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal },
): Promise<Staged> {
  const paths = stagedPaths(workDir);
  await ensurePrivateDir(paths.dir);
  // The kernel is copied, not linked, so `x2nestos abort` or a cache clean-up never removes what is loaded.
  await rm(`${paths.kernel}.part`, { force: true });
  await copyFile(artifacts.kernel.path, `${paths.kernel}.part`);
  await commitFile(`${paths.kernel}.part`, paths.kernel);
  const parts = [
    { path: artifacts.initramfs.path },
    ...(rootfsMode === 'append' ? [{ path: artifacts.rootfs.path }] : []),
    { data: payload },
  ];
  const combined = await combineInitrd(parts, paths.initrd, opts);
  return { kernel: paths.kernel, initrd: combined.path, initrdBytes: combined.sizeBytes, initrdSha256: combined.sha256 };
}

export async function removeStaged(workDir: string): Promise<void> {
  await rm(stagedPaths(workDir).dir, { recursive: true, force: true });
}
