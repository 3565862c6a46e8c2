/**
 * Lays out what kexec loads: the verified kernel, and one initrd = live initramfs (+ rootfs when
 * appended) + our payload, streamed into staged/ with 4-byte padding (src/stage/combine.ts).
 * Everything lands under its final name only once complete. `startStaging` begins while the rootfs
 * is still downloading; `stageFiles` stages from finished files.
 */
import { copyFile, rm } from 'node:fs/promises';
import { commitFile, ensurePrivateDir } from '../effects/files.js';
import { stagedPaths } from '../plan/kexec.js';
import type { LocalArtifact } from '../model/artifacts.js';
import { combineInitrd, type InitrdPart } from './combine.js';
import type { FollowedDownload } from './follow.js';

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
  const parts = [
    { path: artifacts.initramfs.path },
    ...(rootfsMode === 'append' ? [{ path: artifacts.rootfs.path }] : []),
    { data: payload },
  ];
  return stageKernelAndInitrd(workDir, artifacts.kernel, parts, opts);
}

async function stageKernelAndInitrd(
  workDir: string,
  kernel: LocalArtifact,
  parts: InitrdPart[],
  opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal },
): Promise<Staged> {
  const paths = stagedPaths(workDir);
  await ensurePrivateDir(paths.dir);
  // The kernel is copied, not linked, so `x2nestos abort` or a cache clean-up never removes what is loaded.
  await rm(`${paths.kernel}.part`, { force: true });
  await copyFile(kernel.path, `${paths.kernel}.part`);
  await commitFile(`${paths.kernel}.part`, paths.kernel);
  const combined = await combineInitrd(parts, paths.initrd, opts);
  return { kernel: paths.kernel, initrd: combined.path, initrdBytes: combined.sizeBytes, initrdSha256: combined.sha256 };
}

/** The artifacts as they download: staging starts with what is there and follows the rootfs. */
export interface Downloading {
  kernel: Promise<LocalArtifact>;
  initramfs: Promise<LocalArtifact>;
  rootfs: FollowedDownload;
  /** The rootfs's size as announced before the download, for progress. */
  rootfsSizeHint?: number;
}

export interface StagingUnderWay {
  /**
   * Appends the payload and commits. When the head start did not hold (the plan changed the rootfs
   * mode, the followed bytes were not the verified file, a write failed), stages from the verified
   * files instead, so any error reported is the one plain staging gives.
   */
  finish(
    artifacts: { kernel: LocalArtifact; initramfs: LocalArtifact; rootfs: LocalArtifact },
    payload: Buffer,
    rootfsMode: 'append' | 'url',
    opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal },
  ): Promise<Staged>;
  /** Stops the head start and removes what it wrote (idempotent; a no-op after finish). */
  cancel(): Promise<void>;
}

/**
 * Starts staging before the downloads are done (issue 20): the kernel copy and the initramfs as
 * soon as they are verified, then the rootfs as it arrives (when appended), then waits for the
 * payload. Nothing in it holds the user's config until `finish`. Call only once the host may change.
 */
export function startStaging(
  workDir: string,
  downloading: Downloading,
  rootfsMode: 'append' | 'url',
  opts: { signal: AbortSignal; log: (line: string) => void },
): StagingUnderWay {
  const controller = new AbortController();
  const signal = AbortSignal.any([opts.signal, controller.signal]);
  let givePayload: (payload: Buffer) => void = () => undefined;
  let withholdPayload: (reason: unknown) => void = () => undefined;
  const payload = new Promise<Buffer>((resolve, reject) => {
    givePayload = resolve;
    withholdPayload = reject;
  });
  payload.catch(() => undefined); // withheld on cancel, maybe before the initrd got to it
  let progress: ((done: number, total: number) => void) | undefined;
  const headStart = (async () => {
    const kernel = await downloading.kernel;
    const parts: InitrdPart[] = [
      { path: (await downloading.initramfs).path },
      ...(rootfsMode === 'append' ? [{ stream: downloading.rootfs.chunks(signal), sizeHint: downloading.rootfsSizeHint }] : []),
      { stream: once(payload) },
    ];
    return stageKernelAndInitrd(workDir, kernel, parts, { signal, onProgress: (done, total) => progress?.(done, total) });
  })();
  headStart.catch(() => undefined);
  let finished = false;
  const cancel = async () => {
    if (finished) return;
    finished = true;
    controller.abort(new Error('staging cancelled'));
    withholdPayload(new Error('staging cancelled'));
    await headStart.catch(() => undefined);
    await removeStaged(workDir);
  };
  return {
    async finish(artifacts, bytes, mode, finishOpts) {
      const stageAnew = async () => {
        await cancel();
        return stageFiles(workDir, artifacts, bytes, mode, finishOpts);
      };
      if (mode !== rootfsMode) {
        opts.log(`staging from the downloaded files: the rootfs is ${mode === 'append' ? 'appended' : 'fetched by URL'} after all`);
        return stageAnew();
      }
      progress = finishOpts.onProgress;
      givePayload(bytes);
      try {
        const staged = await headStart;
        finished = true;
        return staged;
      } catch (error) {
        if (opts.signal.aborted) {
          await cancel();
          throw error;
        }
        opts.log(`staging from the downloaded files: ${error instanceof Error ? error.message : String(error)}`);
        return stageAnew();
      }
    },
    cancel,
  };
}

async function* once(value: Promise<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield await value;
}

export async function removeStaged(workDir: string): Promise<void> {
  await rm(stagedPaths(workDir).dir, { recursive: true, force: true });
}
