// Ignition configs the scenarios hand to x2nestos, and the live config of the manual conversion.
// Every config is checked with the real ignition-validate (2.14, the version NestOS ships) before a
// scenario relies on it being valid or invalid: a mistake in the test data must not pass as a
// finding about the tool.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './qemu.mjs';

/**
 * The destination config: user `nest` with an SSH key, and a file whose content names the scenario.
 * Pretty-printed with a trailing newline on purpose: the tool must pass the bytes through unchanged
 * (the installed system gets exactly this file). Spec 3.3.0 by default (Ignition 2.14, NestOS
 * 24.03+); 22.03 systems run Ignition 2.9 and need 3.2.0 or lower.
 */
export function destinationConfig(scenario, sshKey, version = '3.3.0') {
  const config = {
    ignition: { version },
    passwd: { users: [{ name: 'nest', sshAuthorizedKeys: [sshKey] }] },
    storage: {
      files: [
        {
          path: '/etc/x2nestos-e2e',
          mode: 420,
          contents: { source: `data:,converted%20by%20scenario%20${encodeURIComponent(scenario)}` },
        },
      ],
    },
  };
  return JSON.stringify(config, null, 2) + '\n';
}

/** Valid for Ignition, but nobody could log in afterwards (no SSH key anywhere): a lock-out. */
export function lockOutConfig() {
  return JSON.stringify({
    ignition: { version: '3.3.0' },
    passwd: {
      users: [
        { name: 'nest', passwordHash: '$6$e2e$7oBo1ez5zbN5yMsxz6hKJmaz1mCb4LEpsUQzY8ZPAHBUbZMaILuIRq/xjvxrd9uJz2ByZ6dTTZ1u8ZdsJ3m4i.' },
      ],
    },
  });
}

/** Invalid for Ignition 2.14: a relative path. */
export function invalidConfig(sshKey) {
  return JSON.stringify({
    ignition: { version: '3.3.0' },
    passwd: { users: [{ name: 'nest', sshAuthorizedKeys: [sshKey] }] },
    storage: { files: [{ path: 'etc/relative', contents: { source: 'data:,x' } }] },
  });
}

const dataUrl = (text) => `data:;base64,${Buffer.from(text).toString('base64')}`;

/**
 * The live system's config.ign that `nestos-installer pxe customize` would embed (contract §4):
 * spec 3.2.0, writing the installer config and the destination config with mode 0600.
 */
export function liveConfig({ installerYaml, destination }) {
  return JSON.stringify({
    ignition: { version: '3.2.0' },
    storage: {
      files: [
        { path: '/etc/nestos/installer.d/0000-x.yaml', mode: 384, contents: { source: dataUrl(installerYaml) } },
        { path: '/etc/nestos/dest.ign', mode: 384, contents: { source: dataUrl(destination) } },
      ],
    },
  });
}

/** Runs ignition-validate on TEXT; returns { valid, output }. */
export async function validate(text, scratchDir) {
  const file = path.join(scratchDir, `validate-${process.pid}-${Date.now()}.ign`);
  await writeFile(file, text);
  const result = await run('ignition-validate', [file], { timeoutMs: 30_000 });
  return { valid: result.code === 0, output: (result.stdout + result.stderr).trim() };
}

/** Fails unless the suite's fixtures are what each scenario says they are. */
export async function checkFixtures(scratchDir, sshKey) {
  const checks = [
    ['destination config', destinationConfig('check', sshKey), true],
    ['destination config 3.2.0', destinationConfig('check', sshKey, '3.2.0'), true],
    ['lock-out config', lockOutConfig(), true],
    ['invalid config', invalidConfig(sshKey), false],
    ['live config', liveConfig({ installerYaml: 'offline: true\n', destination: destinationConfig('check', sshKey) }), true],
  ];
  for (const [name, text, shouldBeValid] of checks) {
    const { valid, output } = await validate(text, scratchDir);
    if (valid !== shouldBeValid) {
      throw new Error(`test fixture "${name}" is ${valid ? 'valid' : 'invalid'} for ignition-validate, expected the opposite: ${output}`);
    }
  }
}
