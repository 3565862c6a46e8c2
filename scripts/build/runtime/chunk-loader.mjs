/**
 * Injected into the bundle (scripts/build/bundle.mjs): loads a dependency the first time it is
 * imported. Each runtime dependency is bundled separately and its code appended to the bundle
 * inside a comment, in `function __x2nestos_chunk_sources() { return { name: function () {/*…*\/} } }`.
 * V8 skips a comment at start-up where it would have to parse code, so `--version` does not pay
 * for megabytes of dependencies it never runs. Function.prototype.toString gives the text back.
 */
import { compileFunction } from 'node:vm';

const loaded = new Map();

/** Undoes bundle.mjs's encodeForComment: `~~` was `~`, `*~/` was the comment-ending `*\/`. */
export function decodeFromComment(text) {
  return text.replace(/~([~/])/g, '$1');
}

/** The chunk's text, out of `function () {/*…*\/}`. */
export function chunkSource(holder) {
  const text = holder.toString();
  return decodeFromComment(text.slice(text.indexOf('/*') + 2, text.lastIndexOf('*/')));
}

/** The exports of dependency `name`, compiled and run on first use, like require() would. */
export function __x2nestos_chunk(name) {
  if (loaded.has(name)) return loaded.get(name);
  // Declared by the text bundle.mjs appends to the bundle.
  const holder = __x2nestos_chunk_sources()[name];
  const module = { exports: {} };
  // Set before running, as require() does, so that an import cycle sees partial exports.
  loaded.set(name, module.exports);
  const run = compileFunction(chunkSource(holder), ['exports', 'require', 'module', '__filename', '__dirname', '__x2nestos_chunk'], {
    filename: `x2nestos:${name}`,
  });
  run.call(module.exports, module.exports, require, module, __filename, __dirname, __x2nestos_chunk);
  loaded.set(name, module.exports);
  return module.exports;
}
