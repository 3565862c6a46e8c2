/**
 * validateIgnition against the real `ignition-validate` 2.14 on every config of the corpus. Each
 * file name says what the config is meant to be (`NNN-valid-…` / `NNN-invalid-…`); the test checks
 * the oracle agrees with the name (so the corpus covers what it claims), that our verdict equals
 * the oracle's, and that we report the same errors and warnings at the same JSON paths.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateIgnition } from '../../../src/ignition/validate.js';
import { ignitionValidate } from './oracle.js';

const CORPUS = path.join(import.meta.dirname, '../../fixtures/ignition/corpus');
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.ign'))
  .sort();

const sorted = (list: string[]): string[] => [...new Set(list)].sort();

describe('validateIgnition agrees with ignition-validate 2.14', () => {
  it('has a corpus of at least 70 configs, valid and invalid, in every supported spec version', () => {
    expect(files.length).toBeGreaterThanOrEqual(70);
    expect(files.filter((f) => f.includes('-valid-')).length).toBeGreaterThanOrEqual(20);
    expect(files.filter((f) => f.includes('-invalid-')).length).toBeGreaterThanOrEqual(50);
    const versions = new Set(files.map((f) => validateIgnition(readFileSync(path.join(CORPUS, f))).version).filter(Boolean));
    expect([...versions].sort()).toEqual(['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0-experimental']);
  });

  it.each(files)('%s', (file) => {
    const bytes = readFileSync(path.join(CORPUS, file));
    const oracle = ignitionValidate(bytes);
    expect(
      oracle.ok,
      `the corpus name claims ${file.includes('-valid-') ? 'valid' : 'invalid'}; ignition-validate says ${JSON.stringify(oracle)}`,
    ).toBe(file.includes('-valid-'));

    const ours = validateIgnition(bytes);
    expect(ours.ok).toBe(oracle.ok);
    // Where Ignition names JSON paths, the findings must be the same ones.
    if (oracle.unplaced.length === 0) {
      expect(sorted(ours.errors.map((e) => `${e.path} ${e.message}`))).toEqual(sorted(oracle.errors));
      expect(sorted(ours.warnings.map((w) => `${w.path} ${w.message}`))).toEqual(sorted(oracle.warnings));
    } else {
      expect(ours.errors.length).toBeGreaterThan(0);
    }
  });
});
