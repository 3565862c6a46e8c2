// The layer table in eslint.config.js, exercised through ESLint itself: each case is an import as
// it would appear in a file of that folder, and whether `eslint .` lets it through.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

const FENCE_RULES = ['@typescript-eslint/no-restricted-imports', 'no-restricted-imports', 'no-restricted-globals', 'no-restricted-syntax'];

const refused: [string, string, string][] = [
  ['payload reaching back into the planner', 'src/payload/x.ts', "import type { Plan } from '../plan/types.js';\nexport type X = Plan;\n"],
  [
    'release importing fetch',
    'src/release/x.ts',
    "import { fetchArtifact } from '../fetch/download.js';\nexport const x = fetchArtifact;\n",
  ],
  [
    'fetch importing release',
    'src/fetch/x.ts',
    "import { resolveRelease } from '../release/resolve.js';\nexport const x = resolveRelease;\n",
  ],
  [
    'facts importing an adapter',
    'src/facts/x.ts',
    "import { adapterFor } from '../../distro-adapters/select.js';\nexport const x = adapterFor;\n",
  ],
  [
    'a nested folder reaching a later stage',
    'src/network/declared/x.ts',
    "import { planConversion } from '../../plan/plan.js';\nexport const x = planConversion;\n",
  ],
  ['effects importing the pipeline', 'src/effects/x.ts', "import type { Plan } from '../plan/types.js';\nexport type X = Plan;\n"],
  [
    'a pure folder importing an effect implementation',
    'src/facts/x.ts',
    "import { hostFs } from '../effects/hostfs.js';\nexport const x = hostFs;\n",
  ],
  ['node:fs in a pure folder', 'src/ignition/x.ts', "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n"],
  ['a socket in a pure folder', 'src/network/x.ts', "import { Socket } from 'node:net';\nexport const x = Socket;\n"],
  ['node:https in a pure folder', 'src/plan/x.ts', "import https from 'node:https';\nexport const x = https;\n"],
  ['global fetch in a pure folder', 'src/formats/x.ts', "export const x = () => fetch('http://127.0.0.1/');\n"],
  ['child_process outside effects', 'src/stage/x.ts', "import { spawn } from 'node:child_process';\nexport const x = spawn;\n"],
  ['a dynamic import into another folder', 'src/release/x.ts', "export const x = () => import('../fetch/download.js');\n"],
];

const allowed: [string, string, string][] = [
  [
    'the planner importing payload builders',
    'src/plan/x.ts',
    "import { buildPayload } from '../payload/build.js';\nexport const x = buildPayload;\n",
  ],
  [
    'a pure folder naming an effect in a type',
    'src/facts/x.ts',
    "import type { Runner } from '../effects/runner.js';\nexport type X = Runner;\n",
  ],
  ['node:net address helpers in network', 'src/network/x.ts', "import { isIP } from 'node:net';\nexport const x = isIP;\n"],
  ['fs in a stage with I/O', 'src/stage/x.ts', "import { rm } from 'node:fs/promises';\nexport const x = rm;\n"],
  [
    'commands composing release and fetch',
    'src/commands/x.ts',
    "import { fetchArtifact } from '../fetch/download.js';\nimport { resolveRelease } from '../release/resolve.js';\nexport const x = [fetchArtifact, resolveRelease];\n",
  ],
  ['a lazy import inside one folder', 'src/fetch/x.ts', "export const x = () => import('./build-id.js');\n"],
];

describe('the layer table in eslint.config.js', () => {
  it.each(refused)('refuses %s', async (_what, file, code) => {
    const rules = await refusals(file, code);
    expect(rules).not.toEqual([]);
    // Refused by the fence, not by anything else (a parse error would also be a message).
    for (const rule of rules) expect(FENCE_RULES).toContain(rule);
  });
  it.each(allowed)('allows %s', async (_what, file, code) => {
    expect(await refusals(file, code)).toEqual([]);
  });
});
