import { describe, expect, it } from 'vitest';
import { loadOptions } from '../../../src/options/load.js';

const files = (map: Record<string, string>) => async (p: string) => {
  if (p in map) return map[p]!;
  throw new Error('ENOENT: no such file');
};

describe('options', () => {
  it('applies defaults', async () => {
    const o = await loadOptions({}, undefined, files({}));
    expect(o).toMatchObject({
      stream: '2403-LTS',
      streamBaseUrl: 'https://nestos.org.cn/NestOS-release/streams/',
      rootfsMode: 'auto',
      network: 'keep',
      yes: false,
      reboot: true,
    });
    expect(o.workDir).toBeUndefined();
  });
  it('reads kebab-case keys from the config file and lets flags win', async () => {
    const o = await loadOptions(
      { stream: 'stable' },
      '/c.yaml',
      files({ '/c.yaml': 'stream: 2403-LTS\nstream-base-url: http://10.0.0.1/streams/\nappend-karg: [quiet]\nyes: true\n' }),
    );
    expect(o.stream).toBe('stable');
    expect(o.streamBaseUrl).toBe('http://10.0.0.1/streams/');
    expect(o.appendKarg).toEqual(['quiet']);
    expect(o.yes).toBe(true);
  });
  it('rejects unknown config keys, naming them', async () => {
    await expect(loadOptions({}, '/c.yaml', files({ '/c.yaml': 'strem: stable\n' }))).rejects.toThrow('unknown option config key strem');
  });
  it('names the flag of an invalid value', async () => {
    await expect(loadOptions({ kernelSha256: 'abc' }, undefined, files({}))).rejects.toThrow('--kernel-sha256: must be 64 hex digits');
    await expect(loadOptions({ workDir: 'relative' }, undefined, files({}))).rejects.toThrow('--work-dir: must be an absolute path');
  });
  it('reports unreadable and malformed config files as usage errors', async () => {
    await expect(loadOptions({}, '/missing.yaml', files({}))).rejects.toMatchObject({ kind: 'usage' });
    await expect(loadOptions({}, '/bad.yaml', files({ '/bad.yaml': 'a: [' }))).rejects.toThrow(/not valid YAML/);
    await expect(loadOptions({}, '/list.yaml', files({ '/list.yaml': '- a\n' }))).rejects.toThrow(/must be a mapping/);
  });
});
