/**
 * The Ansible collection as released: the tarball build.sh leaves in dist/, installed with
 * ansible-galaxy the way a user installs it, then judged by ansible-lint (production profile),
 * the offline part of ansible-test sanity, and ansible-playbook itself, which must refuse a wrong
 * type or an unknown option at argument validation, before any task runs on a host.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// The harness fails the file when dist/ is not built.
import './harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GALAXY = parse(readFileSync(path.join(ROOT, 'assets/ansible/x2nestos/galaxy.yml'), 'utf8')) as { version: string };
const TARBALL = path.join(ROOT, 'dist', `nestos-x2nestos-${GALAXY.version}.tar.gz`);

/**
 * ansible-test sanity tests that run offline. The others (ansible-doc, import, pep8, pylint,
 * runtime-metadata, validate-modules, yamllint) build a virtualenv whose pip comes from
 * ci-files.testing.ansible.com, which this project's machines cannot reach.
 */
const OFFLINE_SANITY = [
  'action-plugin-docs',
  'changelog',
  'compile',
  'empty-init',
  'future-import-boilerplate',
  'ignores',
  'line-endings',
  'metaclass-boilerplate',
  'no-assert',
  'no-basestring',
  'no-dict-iteritems',
  'no-dict-iterkeys',
  'no-dict-itervalues',
  'no-get-exception',
  'no-illegal-filenames',
  'no-main-display',
  'no-smart-quotes',
  'no-unicode-literals',
  'pslint',
  'replace-urlopen',
  'shebang',
  'shellcheck',
  'symlinks',
  'use-argspec-type-path',
  'use-compat-six',
];

describe('Ansible collection nestos.x2nestos (dist/ tarball, installed)', () => {
  let scratch = '';
  let collections = '';
  let installed = '';
  const env = () => ({
    ...process.env,
    LC_ALL: 'C.UTF-8',
    ANSIBLE_COLLECTIONS_PATH: collections,
    ANSIBLE_NOCOLOR: '1',
    NO_COLOR: '1',
    ANSIBLE_LOCAL_TEMP: path.join(scratch, 'tmp'),
  });
  const run = (cmd: string, args: string[], cwd: string, timeout = 300_000): SpawnSyncReturns<string> => {
    const result = spawnSync(cmd, args, { cwd, env: env(), encoding: 'utf8', timeout });
    if (result.error) throw new Error(`${cmd} could not run: ${result.error.message}`);
    return result;
  };

  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'x2nestos-collection-'));
    collections = path.join(scratch, 'collections');
    installed = path.join(collections, 'ansible_collections/nestos/x2nestos');
    const install = run('ansible-galaxy', ['collection', 'install', '-p', collections, TARBALL], scratch);
    expect(install.status, install.stderr).toBe(0);
  }, 300_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('is a release artifact listed in dist/SHA256SUMS', () => {
    const digest = createHash('sha256').update(readFileSync(TARBALL)).digest('hex');
    expect(readFileSync(path.join(ROOT, 'dist/SHA256SUMS'), 'utf8')).toContain(`${digest}  ${path.basename(TARBALL)}\n`);
  });

  it('passes ansible-lint --offline at the production profile with no violation', () => {
    const lint = run('ansible-lint', ['--offline', '--profile', 'production', '--nocolor'], installed, 600_000);
    const output = lint.stdout + lint.stderr;
    expect(output).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
    expect(lint.status, output).toBe(0);
  }, 600_000);

  it('passes the offline ansible-test sanity tests', () => {
    const sanity = run(
      'ansible-test',
      ['sanity', '--python', '3.11', '--color', 'no', ...OFFLINE_SANITY.flatMap((t) => ['--test', t])],
      installed,
      600_000,
    );
    expect(sanity.status, sanity.stdout + sanity.stderr).toBe(0);
    for (const test of OFFLINE_SANITY) expect(sanity.stdout).toContain(`Running sanity test "${test}"`);
  }, 600_000);

  for (const [label, param, expected] of [
    ['a wrong type', 'x2nestos_stage_timeout: soon', /argument 'x2nestos_stage_timeout' is of type .* unable to convert to int/],
    ['an unknown option', 'x2nestos_bogus_option: 1', /x2nestos_bogus_option\. Supported parameters include: /],
  ] as const) {
    it(`refuses ${label} at argument validation, before any task runs`, () => {
      const playbook = path.join(scratch, `play-${param.split(':')[0]}.yml`);
      writeFileSync(
        playbook,
        [
          '- name: Argument validation',
          '  hosts: localhost',
          '  connection: local',
          '  gather_facts: false',
          '  roles:',
          '    - role: nestos.x2nestos.convert',
          `      ${param}`,
          '',
        ].join('\n'),
      );
      const play = run('ansible-playbook', ['-i', 'localhost,', '--check', playbook], scratch);
      expect(play.status, play.stdout).toBe(2);
      expect(play.stdout).toMatch(expected);
      // The validation is the only task that ran, and it failed: nothing reached a host.
      expect(play.stdout.match(/^TASK \[/gm)).toEqual(['TASK [']);
      expect(play.stdout).toMatch(/^TASK \[nestos\.x2nestos\.convert : Validating arguments against arg spec 'main'/m);
      expect(play.stdout).toMatch(/localhost +: ok=0 +changed=0 +unreachable=0 +failed=1 +skipped=0/);
    }, 300_000);
  }
});
