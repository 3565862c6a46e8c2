/** Errors and warnings found in an Ignition config, each at the JSON path of the offending node. */
export interface IgnitionIssue {
  /** JSON path, e.g. `$.storage.files[2].path`; `$` for the root. */
  path: string;
  message: string;
}

export type IssuePath = readonly (string | number)[];

export function formatPath(path: IssuePath): string {
  let out = '$';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

export class Issues {
  readonly errors: IgnitionIssue[] = [];
  readonly warnings: IgnitionIssue[] = [];

  error(path: IssuePath, message: string): void {
    this.errors.push({ path: formatPath(path), message });
  }

  warn(path: IssuePath, message: string): void {
    this.warnings.push({ path: formatPath(path), message });
  }

  /** Ignition's report.AddOnError: record the message if the check returned one. */
  errorIf(path: IssuePath, message: string | undefined): void {
    if (message !== undefined) this.error(path, message);
  }

  warnIf(path: IssuePath, message: string | undefined): void {
    if (message !== undefined) this.warn(path, message);
  }
}
