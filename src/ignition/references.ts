/**
 * What Ignition will render from a config, as far as it can be seen without fetching anything:
 * `ignition.config.replace` swaps the whole config for the referenced one, each
 * `ignition.config.merge` entry is rendered and merged on top (Ignition's engine.renderConfig).
 * Configs embedded as `data:` URLs are followed; anything remote is listed as hidden, because its
 * contents (SSH keys, for one) are only known when Ignition fetches it at first boot.
 */
import { gunzipSync } from 'node:zlib';
import { DataUrlError, decodeDataUrl } from './data-url.js';
import { validateIgnition } from './validate.js';

export interface RenderedView {
  /** The configs whose users, files and units end up in the result, in merge order. */
  configs: Record<string, unknown>[];
  /** References that could not be followed: remote URLs (without credentials or query) or bad data. */
  hidden: string[];
}

const MAX_DEPTH = 8;

export function renderVisible(config: Record<string, unknown>, depth = 0): RenderedView {
  const cfg = record(record(config['ignition'])['config']);
  const replace = record(cfg['replace']);
  if (typeof replace['source'] === 'string' && replace['source'] !== '') {
    return follow(replace, depth);
  }
  const view: RenderedView = { configs: [config], hidden: [] };
  for (const ref of array(cfg['merge'])) {
    const child = follow(record(ref), depth);
    view.configs.push(...child.configs);
    view.hidden.push(...child.hidden);
  }
  return view;
}

function follow(ref: Record<string, unknown>, depth: number): RenderedView {
  const source = typeof ref['source'] === 'string' ? ref['source'] : '';
  if (!/^data:/i.test(source)) return { configs: [], hidden: [describeSource(source)] };
  if (depth >= MAX_DEPTH) return { configs: [], hidden: ['a data: URL nested too deep'] };
  let bytes: Uint8Array;
  try {
    bytes = decodeDataUrl(source).data;
    if (ref['compression'] === 'gzip') bytes = gunzipSync(bytes);
  } catch (e) {
    if (e instanceof DataUrlError || (e instanceof Error && 'errno' in e)) return { configs: [], hidden: ['an undecodable data: URL'] };
    throw e;
  }
  const report = validateIgnition(bytes);
  if (!report.ok || report.config === undefined) return { configs: [], hidden: ['an invalid config in a data: URL'] };
  return renderVisible(report.config, depth + 1);
}

/** A URL fit for messages and logs: no user info, no query (tokens live there), no fragment. */
export function describeSource(source: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)/.exec(source);
  if (m === null) return 'a config reference';
  const authority = (m[2] ?? '').replace(/^\/\/[^@]*@/, '//');
  const redacted = source.length > m[0].length && /[?]/.test(source.slice(m[0].length)) ? '?…' : '';
  return `${m[1]}${authority}${m[3]}${redacted}`;
}

export function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function array(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
