/**
 * Validates an Ignition config with the rules of Ignition 2.14, the version NestOS ships (its
 * `ignition-validate` is the oracle in test/unit/ignition/differential.test.ts). Pure: no I/O.
 *
 * Order, as in Ignition's config.Parse: empty input, JSON syntax, `ignition.version` (read alone
 * first), the typed decode of the whole config for that spec version, then the semantic checks.
 * Errors make the config unusable (Ignition would refuse to boot with it); warnings do not.
 */
import { decode, type GoStruct, isStruct, optStr, str, strings, struct, structs } from './go-decode.js';
import { type IgnitionIssue, Issues } from './issues.js';
import { JsonSyntaxError, lineColumn, parseJson, type JsonNode } from './json-ast.js';
import { configType, minorOf, SPEC_VERSIONS, type SpecVersion } from './spec.js';
import { reportDuplicates, requiredSourceError, validateProxy, validateResource } from './validate-resource.js';
import { validateStorage } from './validate-storage.js';
import { validateSystemd } from './validate-systemd.js';

export type { IgnitionIssue } from './issues.js';

export interface IgnitionReport {
  ok: boolean;
  /** The spec version, once it is known to be one Ignition 2.14 supports. */
  version?: string;
  errors: IgnitionIssue[];
  warnings: IgnitionIssue[];
  /**
   * The config as Ignition decodes it (canonical field names, Go's handling of repeated keys and
   * nulls, unknown keys dropped); present whenever the JSON decoded, even if checks failed.
   */
  config?: Record<string, unknown>;
}

export function validateIgnition(text: string | Uint8Array): IgnitionReport {
  const issues = new Issues();
  const fail = (): IgnitionReport => ({ ok: false, errors: issues.errors, warnings: issues.warnings });

  // Go reads bytes: a BOM is a JSON syntax error there, and so it stays here.
  const source = typeof text === 'string' ? text : new TextDecoder('utf-8', { ignoreBOM: true }).decode(text);
  if (source.length === 0) {
    issues.error([], 'not a config (empty)');
    return fail();
  }
  let root: JsonNode;
  try {
    root = parseJson(source);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const { line, column } = lineColumn(source, e.offset);
    issues.error([], `invalid JSON at line ${line} column ${column}: ${e.message}`);
    return fail();
  }

  // util.GetConfigVersion decodes only {ignition: {version}} before anything else.
  const versionIssues = new Issues();
  const stub = decode(VERSION_STUB, root, undefined, [], versionIssues);
  if (versionIssues.errors.length > 0) {
    issues.errors.push(...versionIssues.errors);
    return fail();
  }
  const written = isStruct(stub) ? str(struct(stub, 'ignition'), 'version') : '';
  const version = supportedVersion(written);
  if (version === 'unparsable') {
    issues.error(['ignition', 'version'], "invalid config version (couldn't parse)");
    return fail();
  }
  if (version === 'unsupported') {
    issues.error(['ignition', 'version'], 'unsupported config version');
    return fail();
  }

  const decoded = decode(configType(version), root, undefined, [], issues);
  if (issues.errors.length > 0 || !isStruct(decoded)) {
    // Ignition stops at a decode error and reports only that.
    return { ok: false, version, errors: issues.errors, warnings: [] };
  }
  validateConfig(decoded, minorOf(version), issues);
  return { ok: issues.errors.length === 0, version, errors: issues.errors, warnings: issues.warnings, config: decoded };
}

const VERSION_STUB = {
  kind: 'struct',
  fields: { ignition: { kind: 'struct', fields: { version: { kind: 'string', pointer: false } } } },
} as const;

/**
 * coreos/go-semver as Ignition uses it: `major.minor.patch[-pre][+meta]`, numbers compared as
 * integers (so "03.3.0" is 3.3.0), pre-release and metadata compared exactly.
 */
function supportedVersion(written: string): SpecVersion | 'unparsable' | 'unsupported' {
  let rest = written;
  let metadata = '';
  let pre = '';
  const plus = rest.indexOf('+');
  if (plus >= 0) [rest, metadata] = [rest.slice(0, plus), rest.slice(plus + 1)];
  const dash = rest.indexOf('-');
  if (dash >= 0) [rest, pre] = [rest.slice(0, dash), rest.slice(dash + 1)];
  const parts = rest.split('.');
  if (parts.length < 3) return 'unparsable';
  const numbers = [parts[0]!, parts[1]!, parts.slice(2).join('.')];
  const identifier = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
  if ((pre !== '' && !identifier.test(pre)) || (metadata !== '' && !identifier.test(metadata))) return 'unparsable';
  if (!numbers.every((n) => /^[0-9]+$/.test(n) && BigInt(n) < 2n ** 63n)) return 'unparsable';
  const canonical = `${numbers.map((n) => BigInt(n).toString()).join('.')}${pre === '' ? '' : `-${pre}`}`;
  if (metadata !== '') return 'unsupported';
  return SPEC_VERSIONS.find((v) => v === canonical) ?? 'unsupported';
}

function validateConfig(config: GoStruct, minor: number, issues: Issues): void {
  validateIgnitionSection(struct(config, 'ignition'), minor, issues);

  if (minor >= 3) {
    // kernelArguments: both lists share one key space, an argument cannot be in both.
    const kargs = struct(config, 'kernelArguments');
    const exist = strings(kargs, 'shouldExist');
    const notExist = strings(kargs, 'shouldNotExist');
    reportDuplicates(
      [...exist, ...notExist],
      (i) => (i < exist.length ? ['kernelArguments', 'shouldExist', i] : ['kernelArguments', 'shouldNotExist', i - exist.length]),
      issues,
    );
  }

  // passwd: Ignition checks only that names (and each user's keys and groups) are unique.
  const passwd = struct(config, 'passwd');
  const users = structs(passwd, 'users');
  reportDuplicates(
    users.map((u) => str(u, 'name')),
    (i) => ['passwd', 'users', i],
    issues,
  );
  users.forEach((u, i) => {
    reportDuplicates(strings(u, 'sshAuthorizedKeys'), (j) => ['passwd', 'users', i, 'sshAuthorizedKeys', j], issues);
    reportDuplicates(strings(u, 'groups'), (j) => ['passwd', 'users', i, 'groups', j], issues);
  });
  const groups = structs(passwd, 'groups');
  reportDuplicates(
    groups.map((g) => str(g, 'name')),
    (i) => ['passwd', 'groups', i],
    issues,
  );

  validateStorage(struct(config, 'storage'), ['storage'], minor, issues);
  validateSystemd(struct(config, 'systemd'), ['systemd'], issues);
}

/** ignition.go, tls.go, proxy.go. */
function validateIgnitionSection(ignition: GoStruct, minor: number, issues: Issues): void {
  const cfg = struct(ignition, 'config');
  const merge = structs(cfg, 'merge');
  merge.forEach((res, i) => {
    if (minor >= 1) issues.errorIf(['ignition', 'config', 'merge', i], requiredSourceError(res, minor));
    validateResource(res, ['ignition', 'config', 'merge', i], 'config', minor, issues);
  });
  reportDuplicates(
    merge.map((r) => optStr(r, 'source') ?? ''),
    (i) => ['ignition', 'config', 'merge', i],
    issues,
  );
  validateResource(struct(cfg, 'replace'), ['ignition', 'config', 'replace'], 'config', minor, issues);

  const cas = structs(struct(struct(ignition, 'security'), 'tls'), 'certificateAuthorities');
  const caPath = (i: number): (string | number)[] => ['ignition', 'security', 'tls', 'certificateAuthorities', i];
  cas.forEach((res, i) => {
    if (minor >= 1) issues.errorIf(caPath(i), requiredSourceError(res, minor));
    validateResource(res, caPath(i), 'ca', minor, issues);
  });
  reportDuplicates(
    cas.map((r) => optStr(r, 'source') ?? ''),
    caPath,
    issues,
  );

  if (minor >= 1) {
    const proxy = struct(ignition, 'proxy');
    validateProxy(proxy, ['ignition', 'proxy'], issues);
    reportDuplicates(strings(proxy, 'noProxy'), (i) => ['ignition', 'proxy', 'noProxy', i], issues);
  }
}
