/**
 * The two byte-level steps of making a release file (build.sh, pack_release_file):
 *
 *   manifest <tree>                       writes <tree>/MANIFEST and prints the bytes it lists
 *   assemble <launcher> <payload> <bytes> <out>
 *                                         writes launcher + payload + trailer to <out>
 *
 * MANIFEST lists every file of the runtime tree, sorted: `<sha256> <size> <mode octal> <path>`.
 * It is the payload's first tar member; the launcher checks each file against it while unpacking
 * (src/launcher/unpack.go). The trailer is the launcher's fixed 64-byte footer
 * (src/launcher/release.go): magic, payload offset, payload length, unpacked bytes, payload sha256.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const TRAILER_MAGIC = 'X2NPAYL1';
export const TRAILER_SIZE = 64;

function filesUnder(root, dir = '') {
  return readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((d) => {
      const rel = dir ? `${dir}/${d.name}` : d.name;
      if (d.isDirectory()) return filesUnder(root, rel);
      if (!d.isFile()) throw new Error(`${rel}: the runtime tree holds only regular files`);
      return rel === 'MANIFEST' ? [] : [rel];
    })
    .sort();
}

export function writeManifest(tree) {
  let bytes = 0;
  const lines = filesUnder(tree).map((rel) => {
    const file = path.join(tree, rel);
    const data = readFileSync(file);
    bytes += data.length;
    const mode = (statSync(file).mode & 0o755).toString(8);
    return `${createHash('sha256').update(data).digest('hex')} ${data.length} ${mode} ${rel}`;
  });
  writeFileSync(path.join(tree, 'MANIFEST'), lines.join('\n') + '\n');
  return bytes;
}

export function trailer(launcherBytes, payload, unpackedBytes) {
  const t = Buffer.alloc(TRAILER_SIZE);
  t.write(TRAILER_MAGIC, 0, 'latin1');
  t.writeBigUInt64LE(BigInt(launcherBytes), 8);
  t.writeBigUInt64LE(BigInt(payload.length), 16);
  t.writeBigUInt64LE(BigInt(unpackedBytes), 24);
  createHash('sha256').update(payload).digest().copy(t, 32);
  return t;
}

export function assemble(launcherFile, payloadFile, unpackedBytes, out) {
  const launcher = readFileSync(launcherFile);
  const payload = readFileSync(payloadFile);
  writeFileSync(out, Buffer.concat([launcher, payload, trailer(launcher.length, payload, unpackedBytes)]), { mode: 0o755 });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [step, ...args] = process.argv.slice(2);
  if (step === 'manifest' && args.length === 1) {
    process.stdout.write(`${writeManifest(args[0])}\n`);
  } else if (step === 'assemble' && args.length === 4) {
    assemble(args[0], args[1], Number(args[2]), args[3]);
  } else {
    process.stderr.write('usage: release-file.mjs manifest <tree> | assemble <launcher> <payload> <unpacked-bytes> <out>\n');
    process.exitCode = 2;
  }
}
