/**
 * One interface per package tool family (changesets-style adapters): the rest of x2nestos never
 * says "dnf" or "apt-get", it asks the adapter the detector picked.
 */
import type { Runner } from '../src/effects/runner.js';

export interface DistroAdapter {
  family: 'yum' | 'apt';
  /** dnf, yum or apt-get. */
  packageTool: string;
  kexecToolsInstalled(runner: Runner): Promise<boolean>;
  /** Installs through runner.change (guarded); throws X2Error('packages') with a remedy on failure. */
  installKexecTools(runner: Runner, log: (line: string) => void): Promise<void>;
  /** The argv lists an install runs, in order, for the plan to show. */
  installCommands(): string[][];
}

/** The last lines of a failed command's output, for error details (never the whole log). */
export function outputTail(stdout: string, stderr: string, lines = 5): string[] {
  return `${stdout}\n${stderr}`
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-lines);
}
