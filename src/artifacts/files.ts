// TripleO and Helion files from the plan: what operators already know, in the form upstream's
// own tools accept (tripleo-common, python-tripleoclient, tripleo-heat-templates,
// tripleo-validations; see docs/tripleo.md). Each file is built as data and written by a
// library (JSON, csv-stringify, ini, yaml), never by concatenation. Pure: passwords come
// through `secrets`, so a file can be shown masked on screen.
import { stringify as yamlStringify } from 'yaml';
import { hasErrors, type Finding } from '../plan/findings.js';
import { OVERCLOUD_ROLES, type Plan } from '../plan/schema.js';
import { roleCatalog, roleSpec, type Catalog } from '../roles/catalog.js';
import { fixedIpVips, ipsFromPool, networkData, networkEnvironment, networkIsolation, networkLayout, nameLower, NIC_CONFIG_FILES, nicConfig, roleNetworks, type NetworkLayout } from './network.js';
import { baremetalCsv, instackenv, instackenvFindings, type SecretSource } from './nodes.js';
import { upstreamRole, type OvercloudRole } from './tripleo-roles.js';
import { undercloudAddress, undercloudConf } from './undercloud.js';

export type { SecretSource } from './nodes.js';

export const ARTIFACT_NAMES = [
  'instackenv.json',
  'baremetal.csv',
  'undercloud.conf',
  'roles_data.yaml',
  'network_data.yaml',
  'node-info.yaml',
  'network-isolation.yaml',
  'network-environment.yaml',
  'ips-from-pool-all.yaml',
  'fixed-ip-vips.yaml',
  ...Object.values(NIC_CONFIG_FILES),
] as const;
export type ArtifactName = (typeof ARTIFACT_NAMES)[number];

/** The files that hold BMC passwords: written mode 0600, masked on screen. */
export const SECRET_ARTIFACTS: ReadonlySet<ArtifactName> = new Set(['instackenv.json', 'baremetal.csv']);

export interface Artifact {
  name: ArtifactName;
  /** What the file is for, in a few words. */
  purpose: string;
  /** Holds BMC passwords: written mode 0600, masked on screen. */
  secret: boolean;
  content: string;
  /** What the file leaves out or cannot say, in plain words. */
  notes: string[];
  /** Why the file cannot be written as upstream would accept it; `refused` files are not written. */
  findings: Finding[];
  refused: boolean;
}

/** On screen: every password masked. */
export const MASKED: SecretSource = () => '********';

export interface ArtifactOptions {
  secrets: SecretSource;
  catalog?: Catalog;
  /** Build only these files (the others are not built at all). */
  only?: readonly ArtifactName[];
}

const NIC_PURPOSE = 'the NIC layout of the role, for `<Role>NetworkConfigTemplate`';

const PURPOSE: Record<ArtifactName, string> = {
  'instackenv.json': 'the servers for `openstack overcloud node import`',
  'baremetal.csv': "the servers for Helion 1.1's installer (not TripleO's CSV)",
  'undercloud.conf': 'the undercloud settings for `openstack undercloud install`',
  'roles_data.yaml': 'the overcloud roles (`-r roles_data.yaml`)',
  'network_data.yaml': 'the overcloud networks (`-n network_data.yaml`)',
  'node-info.yaml': 'flavours and counts per role for `overcloud deploy -e`',
  'network-isolation.yaml': 'the networks and ports Heat creates (`-e`)',
  'network-environment.yaml': 'subnets, pools, VLANs and NIC configs (`-e`)',
  'ips-from-pool-all.yaml': "every server's index and addresses, pinned (`-e`)",
  'fixed-ip-vips.yaml': 'the virtual IPs of the plan (`-e`)',
  ...(Object.fromEntries(Object.values(NIC_CONFIG_FILES).map((f) => [f, NIC_PURPOSE])) as Record<(typeof NIC_CONFIG_FILES)[OvercloudRole], string>),
};

interface Built {
  content: string;
  notes?: string[];
  findings?: Finding[];
  /** Set when the findings are warnings that still stop the file (Helion's optional file). */
  refused?: boolean;
}

const yaml = (data: unknown) => yamlStringify(data, { lineWidth: 0 });

export function buildArtifacts(plan: Plan, options: ArtifactOptions): Artifact[] {
  const catalog = options.catalog ?? roleCatalog();
  let layout: NetworkLayout | undefined;
  const net = () => (layout ??= networkLayout(plan));
  const nic = (role: OvercloudRole) => () => ({ content: nicConfig(plan, role) });
  const content: Record<ArtifactName, () => Built> = {
    'instackenv.json': () => ({ content: `${JSON.stringify(instackenv(plan, options.secrets, catalog, net().placed), null, 2)}\n`, findings: instackenvFindings(plan) }),
    'baremetal.csv': () => {
      const csv = baremetalCsv(plan, options.secrets, catalog);
      return { ...csv, refused: csv.findings.length > 0 };
    },
    'undercloud.conf': () => undercloudConf(plan, net().allocation),
    'roles_data.yaml': () => ({ content: yaml(rolesData(plan)), notes: [`upstream's roles (tripleo-heat-templates roles/<Role>.yaml) for TripleO ${plan.options.tripleoRelease ?? 'wallaby'}`] }),
    'network_data.yaml': () => ({ content: yaml(networkData(plan, net())), findings: net().findings }),
    'node-info.yaml': () => ({ content: yaml(nodeInfo(plan, catalog)) }),
    'network-isolation.yaml': () => ({ content: yaml(networkIsolation(plan)) }),
    'network-environment.yaml': () => ({ content: yaml(networkEnvironment(plan, net(), undercloudAddress(plan))) }),
    'ips-from-pool-all.yaml': () => ({ content: yaml(ipsFromPool(plan, net())) }),
    'fixed-ip-vips.yaml': () => ({ content: yaml(fixedIpVips(plan, net())) }),
    ...(Object.fromEntries(OVERCLOUD_ROLES.map((role) => [NIC_CONFIG_FILES[role], nic(role)])) as Record<(typeof NIC_CONFIG_FILES)[OvercloudRole], () => Built>),
  };
  return ARTIFACT_NAMES.filter((name) => !options.only || options.only.includes(name)).map((name) => {
    const built = content[name]();
    const findings = built.findings ?? [];
    return {
      name,
      purpose: PURPOSE[name],
      secret: SECRET_ARTIFACTS.has(name),
      content: built.content,
      notes: built.notes ?? [],
      findings,
      refused: built.refused ?? hasErrors(findings),
    };
  });
}

function countOf(plan: Plan, role: OvercloudRole): number {
  let n = 0;
  for (const node of plan.nodes) if (node.role === role) n++;
  return n;
}

/**
 * Each role as upstream defines it (roles/<Role>.yaml: every service, tag and default route),
 * with the plan's count and the networks its servers join. All-in-one: the controller also
 * runs the compute services.
 */
function rolesData(plan: Plan): unknown[] {
  return OVERCLOUD_ROLES.map((role) => {
    const up = upstreamRole(role);
    const merge = role === 'Controller' && plan.roles.allInOne;
    const services = merge ? [...new Set([...up.ServicesDefault, ...upstreamRole('Compute').ServicesDefault])] : up.ServicesDefault;
    const networks = Object.fromEntries(roleNetworks(plan, role).map((n) => [n, up.networks[n] ?? { subnet: `${nameLower(n)}_subnet` }]));
    return { ...up, CountDefault: countOf(plan, role), networks, ServicesDefault: services };
  });
}

function nodeInfo(plan: Plan, catalog: Catalog): unknown {
  const params: Record<string, string | number> = {};
  for (const role of OVERCLOUD_ROLES) {
    params[`Overcloud${role}Flavor`] = roleSpec(role, catalog).flavor;
    params[`${role}Count`] = countOf(plan, role);
  }
  return { parameter_defaults: params };
}

/** The files `openstack overcloud deploy` reads, in the order of its -r, -n and -e options (later -e files win). */
const DEPLOY_ENVIRONMENTS: readonly ArtifactName[] = ['node-info.yaml', 'network-isolation.yaml', 'network-environment.yaml', 'ips-from-pool-all.yaml', 'fixed-ip-vips.yaml'];

/**
 * What the real driver passes to `openstack overcloud deploy` (files in the working
 * directory) and the files to copy there first: the environments above plus the NIC
 * configs that network-environment.yaml names.
 */
export function overcloudDeployFiles(): { files: ArtifactName[]; args: string[] } {
  return {
    files: ['roles_data.yaml', 'network_data.yaml', ...DEPLOY_ENVIRONMENTS, ...Object.values(NIC_CONFIG_FILES)],
    args: ['-r', 'roles_data.yaml', '-n', 'network_data.yaml', ...DEPLOY_ENVIRONMENTS.flatMap((f) => ['-e', f])],
  };
}
