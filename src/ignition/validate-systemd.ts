/**
 * `systemd` checks, mirroring Ignition's config/v3_x/types/unit.go and
 * config/shared/validations/unit.go. Ignition 2.14 does not object to `mask` together with
 * `contents` or `enabled`; it only warns when an enabled unit has no [Install] section.
 */
import { type GoStruct, nilOrEmpty, optBool, optStr, str, structs } from './go-decode.js';
import type { IssuePath, Issues } from './issues.js';
import { UnitContentError, parseUnitContents, type UnitOption } from './unit-file.js';
import { reportDuplicates } from './validate-resource.js';

const UNIT_TYPES = [
  '.service',
  '.socket',
  '.device',
  '.mount',
  '.automount',
  '.swap',
  '.target',
  '.path',
  '.timer',
  '.snapshot',
  '.slice',
  '.scope',
];

/** Go's path.Ext. */
function extension(name: string): string {
  for (let i = name.length - 1; i >= 0 && name[i] !== '/'; i--) {
    if (name[i] === '.') return name.slice(i);
  }
  return '';
}

function parseContents(contents: string | undefined, path: IssuePath, issues: Issues): UnitOption[] | undefined {
  if (contents === undefined) return [];
  try {
    return parseUnitContents(contents);
  } catch (e) {
    if (!(e instanceof UnitContentError)) throw e;
    issues.error(path, `invalid unit content: ${e.message}`);
    return undefined;
  }
}

export function validateSystemd(systemd: GoStruct, path: IssuePath, issues: Issues): void {
  const units = structs(systemd, 'units');
  units.forEach((unit, i) => {
    const at = (...rest: (string | number)[]): IssuePath => [...path, 'units', i, ...rest];
    const name = str(unit, 'name');
    if (!UNIT_TYPES.includes(extension(name))) issues.error(at('name'), 'invalid systemd unit extension');
    const contents = optStr(unit, 'contents');
    const options = parseContents(contents, at('contents'), issues);
    // Enabling works through [Install]; without it `enabled` silently does nothing.
    const hasInstall = options?.some((o) => o.section === 'Install');
    if (optBool(unit, 'enabled') === true && !nilOrEmpty(contents) && hasInstall === false) {
      issues.warn(at('contents'), `unit ${JSON.stringify(name)} is enabled, but has no install section so enable does nothing`);
    }
    const dropins = structs(unit, 'dropins');
    dropins.forEach((d, j) => {
      parseContents(optStr(d, 'contents'), at('dropins', j, 'contents'), issues);
      if (extension(str(d, 'name')) !== '.conf') issues.error(at('dropins', j, 'name'), 'invalid systemd drop-in extension');
    });
    reportDuplicates(
      dropins.map((d) => str(d, 'name')),
      (j) => at('dropins', j),
      issues,
    );
  });
  reportDuplicates(
    units.map((u) => str(u, 'name')),
    (i) => [...path, 'units', i],
    issues,
  );
}
