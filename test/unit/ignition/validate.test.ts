import { describe, expect, it } from 'vitest';
import { validateIgnition } from '../../../src/ignition/validate.js';
import { decodeDataUrl } from '../../../src/ignition/data-url.js';
import { parseUnitContents } from '../../../src/ignition/unit-file.js';

const v33 = (rest: Record<string, unknown> = {}): string => JSON.stringify({ ignition: { version: '3.3.0' }, ...rest });
const files = (...f: Record<string, unknown>[]): string => v33({ storage: { files: f } });
const errorsOf = (text: string | Uint8Array): { path: string; message: string }[] => validateIgnition(text).errors;

describe('validateIgnition: input and version', () => {
  it('refuses empty input', () => {
    expect(validateIgnition('')).toEqual({ ok: false, errors: [{ path: '$', message: 'not a config (empty)' }], warnings: [] });
    expect(validateIgnition(new Uint8Array())).toMatchObject({ ok: false, errors: [{ message: 'not a config (empty)' }] });
  });

  it('places JSON syntax errors at a line and column', () => {
    expect(errorsOf('{"ignition":{"version":"3.3.0"},\n  }')).toEqual([
      { path: '$', message: 'invalid JSON at line 2 column 3: invalid character "}" looking for beginning of object key string' },
    ]);
    expect(errorsOf('{"ignition":')[0]?.message).toMatch(/unexpected end of JSON input/);
  });

  it('refuses a UTF-8 byte order mark, as Go does', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(v33())]);
    expect(validateIgnition(withBom).ok).toBe(false);
  });

  it('needs a supported ignition.version', () => {
    expect(errorsOf('{}')).toEqual([{ path: '$.ignition.version', message: "invalid config version (couldn't parse)" }]);
    expect(errorsOf('{"ignition":{"version":"2.2.0"}}')).toEqual([{ path: '$.ignition.version', message: 'unsupported config version' }]);
    expect(errorsOf('{"ignition":{"version":"3.4.0"}}')[0]?.message).toBe('unsupported config version');
    expect(errorsOf('{"ignition":{"version":"3.3.0+x"}}')[0]?.message).toBe('unsupported config version');
    expect(errorsOf('{"ignition":{"version":"3.3"}}')[0]?.message).toBe("invalid config version (couldn't parse)");
    expect(errorsOf('{"ignition":{"version":3}}')[0]).toMatchObject({
      path: '$.ignition.version',
      message: expect.stringMatching(/cannot unmarshal number/),
    });
    for (const version of ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0-experimental']) {
      expect(validateIgnition(`{"ignition":{"version":"${version}"}}`)).toMatchObject({ ok: true, version });
    }
  });

  it('reads numbers and types the way Go decodes them', () => {
    expect(errorsOf(files({ path: '/a', mode: '420' }))[0]).toMatchObject({ path: '$.storage.files[0].mode' });
    expect(errorsOf('{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","mode":420.0}]}}')[0]?.message).toMatch(
      /number 420\.0/,
    );
    expect(validateIgnition(files({ path: '/a', mode: 420 })).ok).toBe(true);
  });

  it('matches keys case-insensitively but warns about them, and returns the decoded config', () => {
    const report = validateIgnition(
      '{"ignition":{"version":"3.3.0"},"Passwd":{"users":[{"name":"nest","sshAuthorizedKeys":["k"]}]},"x":1}',
    );
    expect(report.ok).toBe(true);
    expect(report.warnings).toEqual([
      { path: '$.Passwd', message: 'Unused key Passwd' },
      { path: '$.x', message: 'Unused key x' },
    ]);
    expect(report.config).toEqual({ ignition: { version: '3.3.0' }, passwd: { users: [{ name: 'nest', sshAuthorizedKeys: ['k'] }] } });
  });
});

describe('validateIgnition: storage', () => {
  it('refuses relative and unclean paths', () => {
    expect(errorsOf(files({ path: 'etc/hostname' }))).toEqual([{ path: '$.storage.files[0].path', message: 'path not absolute' }]);
    for (const p of ['/a/../b', '/a//b', '/a/', '/a/.']) {
      expect(errorsOf(files({ path: p }))).toEqual([{ path: '$.storage.files[0].path', message: 'path is not fully simplified' }]);
    }
    expect(errorsOf(files({}))).toEqual([{ path: '$.storage.files[0].path', message: 'path not specified' }]);
  });

  it('gives files, directories and links one key space', () => {
    expect(errorsOf(v33({ storage: { directories: [{ path: '/a' }], links: [{ path: '/a', target: '/b' }] } }))).toEqual([
      { path: '$.storage.links[0]', message: 'duplicate entry defined' },
    ]);
    expect(errorsOf(files({ path: '/a' }, { path: '/a' }))).toEqual([{ path: '$.storage.files[1]', message: 'duplicate entry defined' }]);
  });

  it('checks sources: schemes per spec version, data URLs, compression, hashes, overwrite', () => {
    const source = (s: string, version = '3.3.0'): string | undefined =>
      validateIgnition(JSON.stringify({ ignition: { version }, storage: { files: [{ path: '/a', contents: { source: s } }] } })).errors[0]
        ?.message;
    expect(source('ftp://x/a')).toBe('invalid url scheme');
    expect(source('gs://b/o', '3.1.0')).toBe('invalid url scheme');
    expect(source('gs://b/o', '3.2.0')).toBeUndefined();
    expect(source('arn:aws:s3:::b/o')).toBe('invalid url scheme');
    expect(source('arn:aws:s3:::b/o', '3.4.0-experimental')).toBeUndefined();
    expect(source('data:;base64,aGk')).toBe('illegal base64 data at input byte 0');
    expect(source('data:,{}')).toBe('invalid data character');
    expect(source('http://[::1')).toBe('unable to parse url');
    expect(errorsOf(files({ path: '/a', contents: { source: 'data:,a', compression: 'xz' } }))).toEqual([
      { path: '$.storage.files[0].contents.compression', message: 'invalid compression method' },
    ]);
    expect(errorsOf(files({ path: '/a', contents: { source: 'https://x', verification: { hash: 'sha512-00' } } }))).toEqual([
      { path: '$.storage.files[0].contents.verification.hash', message: 'incorrect size for hash sum' },
    ]);
    expect(errorsOf(files({ path: '/a', overwrite: true }))).toEqual([
      { path: '$.storage.files[0].overwrite', message: 'overwrite must be false if source is unspecified' },
    ]);
  });

  it('checks modes and link targets', () => {
    expect(errorsOf(files({ path: '/a', mode: 0o10000 }))).toEqual([{ path: '$.storage.files[0].mode', message: 'illegal file mode' }]);
    expect(validateIgnition(files({ path: '/a', mode: 0o4755 })).warnings[0]?.message).toMatch(/setuid\/setgid\/sticky/);
    expect(errorsOf(v33({ storage: { links: [{ path: '/a' }] } }))).toEqual([
      { path: '$.storage.links[0].target', message: 'link target is required' },
    ]);
    expect(errorsOf(v33({ storage: { links: [{ path: '/l', target: '/x' }], files: [{ path: '/l/f' }] } }))).toEqual([
      { path: '$.storage.files[0]', message: 'file path includes link in config' },
    ]);
  });
});

describe('validateIgnition: systemd and passwd', () => {
  it('checks unit names and contents, warns about enabled units without [Install]', () => {
    expect(errorsOf(v33({ systemd: { units: [{ name: 'bootstrap' }] } }))).toEqual([
      { path: '$.systemd.units[0].name', message: 'invalid systemd unit extension' },
    ]);
    expect(errorsOf(v33({ systemd: { units: [{ name: 'a.service', contents: '[Unit\n' }] } }))).toEqual([
      { path: '$.systemd.units[0].contents', message: 'invalid unit content: unable to find end of section' },
    ]);
    const report = validateIgnition(
      v33({ systemd: { units: [{ name: 'a.service', enabled: true, contents: '[Service]\nExecStart=/bin/true\n' }] } }),
    );
    expect(report.ok).toBe(true);
    expect(report.warnings).toEqual([
      { path: '$.systemd.units[0].contents', message: 'unit "a.service" is enabled, but has no install section so enable does nothing' },
    ]);
  });

  it('refuses repeated users, keys and units', () => {
    expect(errorsOf(v33({ passwd: { users: [{ name: 'nest' }, { name: 'nest' }] } }))).toEqual([
      { path: '$.passwd.users[1]', message: 'duplicate entry defined' },
    ]);
    expect(errorsOf(v33({ passwd: { users: [{ name: 'nest', sshAuthorizedKeys: ['k', 'k'] }] } }))).toEqual([
      { path: '$.passwd.users[0].sshAuthorizedKeys[1]', message: 'duplicate entry defined' },
    ]);
    expect(errorsOf(v33({ systemd: { units: [{ name: 'a.service' }, { name: 'a.service' }] } }))).toEqual([
      { path: '$.systemd.units[1]', message: 'duplicate entry defined' },
    ]);
  });
});

describe('the Go-compatible pieces', () => {
  it('decodes data URLs like vincent-petithory/dataurl', () => {
    expect(new TextDecoder().decode(decodeDataUrl('data:,a%20b').data)).toBe('a b');
    expect(new TextDecoder().decode(decodeDataUrl('data:text/plain;charset=utf-8;base64,aMOp').data)).toBe('hé');
    expect(() => decodeDataUrl('data:foo/bar,x')).toThrow('invalid media type');
    expect(() => decodeDataUrl('data:;base64,ab==c')).toThrow(/illegal base64 data at input byte 4/);
  });

  it('parses unit files like go-systemd', () => {
    expect(parseUnitContents('[Service]\nExecStart=/bin/a \\\n  b\n[Install]\nWantedBy=x\n')).toEqual([
      { section: 'Service', name: 'ExecStart', value: '/bin/a \\\n  b' },
      { section: 'Install', name: 'WantedBy', value: 'x' },
    ]);
    expect(() => parseUnitContents('[Unit]\nDescription')).toThrow('EOF');
    expect(() => parseUnitContents(`[Unit]\nDescription=${'x'.repeat(2100)}\n`)).toThrow('line too long (max 2048 bytes)');
  });
});
