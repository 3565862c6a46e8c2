import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { X2Error } from '../../../src/errors.js';
import { releaseFromStream, streamIsoArtifact } from '../../../src/release/stream.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(import.meta.dirname, '../../fixtures/streams', name), 'utf8'));
const streamUrl = 'https://nestos.org.cn/NestOS-release/streams/2403-LTS.json';
const build = '24.03-LTS.20240625.0';
const dirOf = (arch: string) => `https://nestos.org.cn/NestOS-release/2403-LTS/${build}/${arch}/`;

function thrown(f: () => unknown): X2Error {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(X2Error);
    return e as X2Error;
  }
  throw new Error('expected an X2Error');
}

describe('releaseFromStream', () => {
  it.each(['x86_64', 'aarch64'])('picks the %s live PXE artifacts with their hashes and signatures', (arch) => {
    const doc = fixture('2403-LTS.json') as {
      architectures: Record<string, { artifacts: { metal: { formats: { pxe: Record<string, { sha256: string }> } } } }>;
    };
    const release = releaseFromStream(doc, { stream: '2403-LTS', arch, streamUrl });
    const pxe = doc.architectures[arch]!.artifacts.metal.formats.pxe;

    expect(release).toMatchObject({ source: 'stream', origin: streamUrl, stream: '2403-LTS', release: build, arch });
    expect(release.artifacts.kernel).toEqual({
      role: 'kernel',
      location: `${dirOf(arch)}nestos-${build}-live-kernel-${arch}`,
      name: `nestos-${build}-live-kernel-${arch}`,
      sha256: pxe.kernel!.sha256,
      sha256Source: 'stream',
      signature: `${dirOf(arch)}nestos-${build}-live-kernel-${arch}.sig`,
    });
    expect(release.artifacts.initramfs.name).toBe(`nestos-${build}-live-initramfs.${arch}.img`);
    expect(release.artifacts.rootfs).toMatchObject({ name: `nestos-${build}-live-rootfs.${arch}.img`, sha256: pxe.rootfs!.sha256 });
  });

  it('resolves relative locations against the stream URL', () => {
    const absolute = releaseFromStream(fixture('2403-LTS.json'), { stream: '2403-LTS', arch: 'x86_64', streamUrl });
    const relative = releaseFromStream(fixture('2403-LTS-relative.json'), { stream: '2403-LTS', arch: 'x86_64', streamUrl });
    expect(relative.artifacts).toEqual(absolute.artifacts);
  });

  it('names the published architectures when ours is missing', () => {
    const error = thrown(() => releaseFromStream(fixture('2403-LTS-x86_64-only.json'), { stream: '2403-LTS', arch: 'aarch64', streamUrl }));
    expect(error.kind).toBe('precondition');
    expect(error.message).toContain('no aarch64 build (it has x86_64)');
    expect(error.remedy).toMatch(/--release-dir|--iso/);
  });

  it('without pxe entries, points at the stream ISO with its hash as a ready-to-use --iso', () => {
    const error = thrown(() => releaseFromStream(fixture('2403-LTS-iso-only.json'), { stream: '2403-LTS', arch: 'aarch64', streamUrl }));
    const iso = streamIsoArtifact(fixture('2403-LTS-iso-only.json'), { stream: '2403-LTS', arch: 'aarch64', streamUrl });
    expect(iso).toMatchObject({ location: `${dirOf('aarch64')}nestos-${build}-live.aarch64.iso`, release: build });
    expect(error.kind).toBe('precondition');
    expect(error.message).toContain('publishes no live PXE artifacts for aarch64');
    expect(error.remedy).toContain(`--iso ${iso!.location} --iso-sha256 ${iso!.sha256}`);
    expect(error.remedy).toContain('--release-dir');
    expect(error.remedy).toContain('--kernel, --initramfs and --rootfs');
  });

  it('without pxe and without an ISO, still says which flags bring the artifacts', () => {
    const opts = { stream: 'stable', arch: 'x86_64', streamUrl: 'https://m.example/streams/stable.json' };
    const error = thrown(() => releaseFromStream(fixture('stable-no-pxe-no-iso.json'), opts));
    expect(streamIsoArtifact(fixture('stable-no-pxe-no-iso.json'), opts)).toBeUndefined();
    expect(error.remedy).toMatch(/^pass --iso with the live ISO/);
  });

  it('refuses a malformed sha256, naming the field', () => {
    const error = thrown(() => releaseFromStream(fixture('2403-LTS-bad-sha.json'), { stream: '2403-LTS', arch: 'x86_64', streamUrl }));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('architectures.x86_64.artifacts.metal.formats.pxe.rootfs.sha256');
    expect(error.message).toContain('64 hex digits');
    expect(error.remedy).toContain('--stream-base-url');
  });

  it('refuses documents that are not stream documents, and non-http locations', () => {
    expect(thrown(() => releaseFromStream({ hello: 1 }, { stream: 's', arch: 'x86_64', streamUrl })).message).toContain('architectures');
    expect(thrown(() => releaseFromStream([], { stream: 's', arch: 'x86_64', streamUrl })).kind).toBe('verification');

    const doc = fixture('2403-LTS.json') as {
      architectures: { x86_64: { artifacts: { metal: { formats: { pxe: { kernel: { location: string } } } } } } };
    };
    doc.architectures.x86_64.artifacts.metal.formats.pxe.kernel.location = 'file:///etc/shadow';
    expect(thrown(() => releaseFromStream(doc, { stream: '2403-LTS', arch: 'x86_64', streamUrl })).message).toContain('not an http(s) URL');
  });

  it('lower-cases hashes and falls back to the published names for odd file names', () => {
    const doc = fixture('2403-LTS.json') as {
      architectures: { x86_64: { artifacts: { metal: { formats: { pxe: { kernel: { location: string; sha256: string } } } } } } };
    };
    const kernel = doc.architectures.x86_64.artifacts.metal.formats.pxe.kernel;
    kernel.sha256 = kernel.sha256.toUpperCase();
    kernel.location = 'https://m.example/get/';
    const release = releaseFromStream(doc, { stream: '2403-LTS', arch: 'x86_64', streamUrl });
    expect(release.artifacts.kernel.sha256).toBe(kernel.sha256.toLowerCase());
    expect(release.artifacts.kernel.name).toBe(`nestos-${build}-live-kernel-x86_64`);
  });
});
