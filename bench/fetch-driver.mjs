// Runs our download + verify code (src/fetch/download.ts) without the CLI, for when no built
// binary exists yet. Not run directly: fetch-verify.mjs bundles it with esbuild into bench/.work/.
//
//   node bench/.work/fetch-driver.bundle.mjs DIR role=URL#SHA256 ...
// prints one JSON line: {"artifacts":[{role, sizeBytes, sha256, verified}], "seconds": n}
import { nodeHttp } from '../src/effects/http-node.ts';
import { fetchArtifact } from '../src/fetch/download.ts';

const [dir, ...specs] = process.argv.slice(2);
const http = nodeHttp({});
const started = performance.now();
const artifacts = [];
for (const spec of specs) {
  const [, role, url, sha256] = /^(\w+)=(.+)#([0-9a-f]{64})$/.exec(spec) ?? [];
  if (!role) throw new Error(`bad artifact spec ${spec}`);
  const name = new URL(url).pathname.split('/').pop();
  const got = await fetchArtifact({ role, location: url, name, sha256, sha256Source: 'user' }, dir, { http });
  artifacts.push({ role, sizeBytes: got.sizeBytes, sha256: got.sha256, verified: got.verified });
}
process.stdout.write(JSON.stringify({ artifacts, seconds: (performance.now() - started) / 1000 }) + '\n');
