/**
 * The config spec versions Ignition 2.14 accepts and the shape of each (Ignition's
 * config/v3_x/types/schema.go). Which fields exist matters beyond warnings: a field unknown to a
 * version is never validated (httpHeaders in 3.0.0 is ignored, not checked).
 */
import type { GoType } from './go-decode.js';

export const SPEC_VERSIONS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0-experimental'] as const;
export type SpecVersion = (typeof SPEC_VERSIONS)[number];

/** The minor number drives every difference between the 3.x specs. */
export function minorOf(version: SpecVersion): number {
  return Number(version.split('.')[1]);
}

const str: GoType = { kind: 'string', pointer: false };
const optStr: GoType = { kind: 'string', pointer: true };
const int: GoType = { kind: 'int', pointer: false };
const optInt: GoType = { kind: 'int', pointer: true };
const optBool: GoType = { kind: 'bool', pointer: true };
const sliceOf = (elem: GoType): GoType => ({ kind: 'slice', elem });
const structOf = (fields: Record<string, GoType | undefined>): Extract<GoType, { kind: 'struct' }> => ({
  kind: 'struct',
  fields: Object.fromEntries(Object.entries(fields).filter((e): e is [string, GoType] => e[1] !== undefined)),
});
const struct = (fields: Record<string, GoType | undefined>): GoType => structOf(fields);

/** `since(m, minor, t)`: the field exists from spec 3.<minor>.0 on. */
const since = (m: number, minor: number, t: GoType): GoType | undefined => (m >= minor ? t : undefined);

export function configType(version: SpecVersion): GoType {
  const m = minorOf(version);
  const verification = struct({ hash: optStr });
  const httpHeader = struct({ name: str, value: optStr });
  const resource = struct({
    compression: optStr,
    httpHeaders: sliceOf(httpHeader),
    source: optStr,
    verification,
  });
  // 3.0.0 had three narrower resource types before 3.1.0 unified them.
  const configReference = m === 0 ? struct({ source: optStr, verification }) : resource;
  const caReference = m === 0 ? struct({ source: str, verification }) : resource;
  const fileContents = m === 0 ? struct({ compression: optStr, source: optStr, verification }) : resource;

  const nodeFields = {
    group: struct({ id: optInt, name: optStr }),
    overwrite: optBool,
    path: str,
    user: struct({ id: optInt, name: optStr }),
  };
  // 3.2.0 had `custom` as a pointer to a struct with plain strings; 3.3.0 made the fields pointers.
  const customFields = { config: optStr, needsNetwork: optBool, pin: optStr };
  const clevis = struct({
    custom: m === 2 ? { ...structOf(customFields), pointer: true } : struct(customFields),
    tang: sliceOf(struct({ thumbprint: optStr, url: str })),
    threshold: optInt,
    tpm2: optBool,
  });

  return struct({
    ignition: struct({
      config: struct({ merge: sliceOf(configReference), replace: configReference }),
      proxy: since(m, 1, struct({ httpProxy: optStr, httpsProxy: optStr, noProxy: sliceOf(str) })),
      security: struct({ tls: struct({ certificateAuthorities: sliceOf(caReference) }) }),
      timeouts: struct({ httpResponseHeaders: optInt, httpTotal: optInt }),
      version: str,
    }),
    kernelArguments: since(m, 3, struct({ shouldExist: sliceOf(str), shouldNotExist: sliceOf(str) })),
    passwd: struct({
      groups: sliceOf(struct({ gid: optInt, name: str, passwordHash: optStr, shouldExist: since(m, 2, optBool), system: optBool })),
      users: sliceOf(
        struct({
          gecos: optStr,
          groups: sliceOf(str),
          homeDir: optStr,
          name: str,
          noCreateHome: optBool,
          noLogInit: optBool,
          noUserGroup: optBool,
          passwordHash: optStr,
          primaryGroup: optStr,
          shouldExist: since(m, 2, optBool),
          sshAuthorizedKeys: sliceOf(str),
          shell: optStr,
          system: optBool,
          uid: optInt,
        }),
      ),
    }),
    storage: struct({
      directories: sliceOf(struct({ ...nodeFields, mode: optInt })),
      disks: sliceOf(
        struct({
          device: str,
          partitions: sliceOf(
            struct({
              guid: optStr,
              label: optStr,
              number: int,
              resize: since(m, 2, optBool),
              shouldExist: optBool,
              sizeMiB: optInt,
              startMiB: optInt,
              typeGuid: optStr,
              wipePartitionEntry: optBool,
            }),
          ),
          wipeTable: optBool,
        }),
      ),
      files: sliceOf(struct({ ...nodeFields, append: sliceOf(fileContents), contents: fileContents, mode: optInt })),
      filesystems: sliceOf(
        struct({
          device: str,
          format: optStr,
          label: optStr,
          mountOptions: since(m, 1, sliceOf(str)),
          options: sliceOf(str),
          path: optStr,
          uuid: optStr,
          wipeFilesystem: optBool,
        }),
      ),
      // 3.3.0 made the target a pointer so that a missing target can be refused.
      links: sliceOf(struct({ ...nodeFields, hard: optBool, target: m >= 3 ? optStr : str })),
      luks: since(
        m,
        2,
        sliceOf(
          struct({
            clevis,
            device: optStr,
            keyFile: resource,
            label: optStr,
            name: str,
            options: sliceOf(str),
            uuid: optStr,
            wipeVolume: optBool,
          }),
        ),
      ),
      // 3.3.0 made the level a pointer so that a missing level can be refused by name.
      raid: sliceOf(struct({ devices: sliceOf(str), level: m >= 3 ? optStr : str, name: str, options: sliceOf(str), spares: optInt })),
    }),
    systemd: struct({
      units: sliceOf(
        struct({
          contents: optStr,
          dropins: sliceOf(struct({ contents: optStr, name: str })),
          enabled: optBool,
          mask: optBool,
          name: str,
        }),
      ),
    }),
  });
}
