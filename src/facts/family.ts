/**
 * Which package tool family a host belongs to: os-release ID / ID_LIKE first, the tools actually
 * installed second. Some IDs name both an rpm and a deb distribution (Kylin server is rpm, Kylin
 * desktop is deb; UnionTech OS Server 1050e is rpm, 1050d and the desktop are deb), so for those
 * the installed tools decide.
 */
import type { Runner } from '../effects/runner.js';
import type { Family, OsFacts } from './types.js';

const YUM_IDS = new Set([
  'openeuler',
  'centos',
  'rhel',
  'rocky',
  'almalinux',
  'ol',
  'fedora',
  'anolis',
  'euleros',
  'hce',
  'opencloudos',
  'tencentos',
  'alinux',
  'amzn',
  'circle',
  'nfs', // NFSChina server
]);
const APT_IDS = new Set(['debian', 'ubuntu', 'deepin', 'linuxmint', 'raspbian', 'pop', 'elementary', 'kali', 'zorin']);
/** IDs shared by rpm- and deb-based editions. */
const EITHER_IDS = new Set(['kylin', 'uos']);

export type FamilyDetection = { family: Family; packageTool: string } | { family: undefined; reason: string };

interface Tools {
  dnf: boolean;
  yum: boolean;
  aptGet: boolean;
}

function declaredFamily(os: OsFacts): Family | 'either' | undefined {
  for (const id of [os.id, ...os.idLike]) {
    if (EITHER_IDS.has(id)) return 'either';
    if (YUM_IDS.has(id)) return 'yum';
    if (APT_IDS.has(id)) return 'apt';
  }
  return undefined;
}

/** Pure: the decision, given the os-release facts and which tools are on PATH. */
export function chooseFamily(os: OsFacts, tools: Tools): FamilyDetection {
  const declared = declaredFamily(os);
  const yumTool = tools.dnf ? 'dnf' : tools.yum ? 'yum' : undefined;
  const name = `${os.prettyName} (ID=${os.id}${os.idLike.length > 0 ? `, ID_LIKE=${os.idLike.join(' ')}` : ''})`;
  const yum: FamilyDetection | undefined = yumTool === undefined ? undefined : { family: 'yum', packageTool: yumTool };
  const apt: FamilyDetection | undefined = tools.aptGet ? { family: 'apt', packageTool: 'apt-get' } : undefined;

  switch (declared) {
    case 'yum':
      return yum ?? { family: undefined, reason: `${name} is a yum-family system but neither dnf nor yum is installed` };
    case 'apt':
      return apt ?? { family: undefined, reason: `${name} is an apt-family system but apt-get is not installed` };
    default: {
      // Shared or unknown IDs: exactly one package tool installed decides.
      if (yum !== undefined && apt === undefined) return yum;
      if (apt !== undefined && yum === undefined) return apt;
      const known = declared === 'either' ? name : `${name}, not a distribution x2nestos knows,`;
      return {
        family: undefined,
        reason:
          yum !== undefined
            ? `${known} has both ${yumTool} and apt-get installed, so its package tool is ambiguous`
            : `${known} has neither dnf/yum nor apt-get installed`,
      };
    }
  }
}

export async function detectFamily(os: OsFacts, runner: Runner): Promise<FamilyDetection> {
  const [dnf, yum, aptGet] = await Promise.all(['dnf', 'yum', 'apt-get'].map((p) => runner.which(p)));
  return chooseFamily(os, { dnf: dnf !== undefined, yum: yum !== undefined, aptGet: aptGet !== undefined });
}
