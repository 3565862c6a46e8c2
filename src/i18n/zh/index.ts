/**
 * The Simplified Chinese catalog: English template → 中文模板, one file per area. Terms are kept
 * consistent across files (磁盘, 内核, 镜像, 安装程序, 发布流, 暂存, 加载, 切换 ...); a key
 * present in two files must carry the same translation (test/unit/i18n checks it).
 */
import { CLI } from './cli.js';
import { GUIDED } from './guided.js';
import { HOST } from './host.js';
import { RELEASE } from './release.js';
import { RELIABILITY } from './reliability.js';
import { RUN } from './run.js';

export const AREAS: Readonly<Record<string, Readonly<Record<string, string>>>> = { CLI, RUN, RELEASE, HOST, GUIDED, RELIABILITY };

export const ZH: Readonly<Record<string, string>> = Object.assign({}, CLI, RUN, RELEASE, HOST, GUIDED, RELIABILITY);
