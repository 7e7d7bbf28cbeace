import { usageError } from './cli-error.js';
import type { CommandContext } from './command-context.js';
import { morePagesNote, type CursorList } from './cursor-list.js';
import type { Resource } from './resource-command.js';
import { resolveId, resolveStackId } from './resolve-id.js';
import { renderTable } from './table.js';

/** The fields of AuthAccessPolicy the table shows. */
interface Policy {
  id: string;
  name: string;
  scopes: string[];
  realms: { type: string; identifier: string; labelPolicies?: { selector: string }[] }[];
  status: string;
}

const headers = ['ID', 'NAME', 'SCOPES', 'REALMS', 'STATUS'];
const base = '/api/v1/accesspolicies';
const shownScopes = 3;
const regionFlag = { region: { kind: 'value' } } as const;

export const policiesCommands: Resource = {
  name: 'policies',
  about: 'access policies: scopes, realms and label policies',
  notes: `A policy is named by its id or its name (names are unique per region).
--realm is org:<org id> or stack:<stack id or slug>; every --label-policy (a selector such as
'{namespace="team-a"}') applies to every realm given.`,
  commands: {
    list: {
      synopsis:
        '[--region <region>] [--name <name>] [--status active|inactive] [--page-size <n>] ' +
        '[--page-cursor <c>]',
      positionals: 0,
      flags: {
        ...regionFlag,
        name: { kind: 'value' },
        status: { kind: 'value' },
        'page-size': { kind: 'value' },
        'page-cursor': { kind: 'value' },
      },
      run: listPolicies,
    },
    get: {
      synopsis: '<id|name> [--region <region>]',
      positionals: 1,
      flags: regionFlag,
      run: getPolicy,
    },
    create: {
      synopsis:
        '--name <name> --scope <scope>... --realm <realm>... [--display-name <text>] ' +
        "[--label-policy '<selector>']... [--allowed-subnet <cidr>]... [--region <region>]",
      positionals: 0,
      flags: {
        ...regionFlag,
        name: { kind: 'value' },
        'display-name': { kind: 'value' },
        scope: { kind: 'list' },
        realm: { kind: 'list' },
        'label-policy': { kind: 'list' },
        'allowed-subnet': { kind: 'list' },
      },
      run: createPolicy,
    },
    update: {
      synopsis:
        '<id|name> [--display-name <text>] [--scope <scope>]... ' +
        '[--status active|inactive] [--region <region>]',
      positionals: 1,
      flags: {
        ...regionFlag,
        'display-name': { kind: 'value' },
        scope: { kind: 'list' },
        status: { kind: 'value' },
      },
      run: updatePolicy,
    },
    delete: {
      synopsis: '<id|name> [--region <region>]   (its tokens are deleted with it)',
      positionals: 1,
      flags: regionFlag,
      run: deletePolicy,
    },
  },
};

async function listPolicies(context: CommandContext): Promise<void> {
  const { flags } = context;
  const query = {
    region: context.region,
    name: flags.value('name'),
    status: flags.value('status'),
    pageSize: flags.value('page-size'),
    pageCursor: flags.value('page-cursor'),
  };

  const answer = (await context.api.get(base, query)) as CursorList<Policy>;
  context.print(answer, () => policyTable(answer.items));
  if (context.format === 'table') morePagesNote(context, answer);
}

async function getPolicy(context: CommandContext): Promise<void> {
  const id = await policyId(context);
  const answer = (await context.api.get(`${base}/${id}`, { region: context.region })) as Policy;

  context.print(answer, () => policyTable([answer]));
}

async function createPolicy(context: CommandContext): Promise<void> {
  const { flags } = context;
  const subnets = flags.list('allowed-subnet');
  const body = {
    name: context.required('name'),
    ...(flags.has('display-name') ? { displayName: flags.value('display-name') } : {}),
    scopes: context.requiredList('scope'),
    realms: await readRealms(context),
    ...(subnets.length > 0 ? { conditions: { allowedSubnets: subnets } } : {}),
  };

  const answer = (await context.api.post(base, { region: context.region }, body)) as Policy;
  context.print(answer, () => policyTable([answer]));
}

// TODO(cli): realms and conditions can only be changed through the API for now.
async function updatePolicy(context: CommandContext): Promise<void> {
  const { flags } = context;
  const scopes = flags.list('scope');
  const body = {
    ...(flags.has('display-name') ? { displayName: flags.value('display-name') } : {}),
    ...(scopes.length > 0 ? { scopes } : {}),
    ...(flags.has('status') ? { status: readStatus(flags.value('status')) } : {}),
  };
  context.requireChanges(body);

  const id = await policyId(context);
  const answer = (await context.api.post(
    `${base}/${id}`,
    { region: context.region },
    body,
  )) as Policy;
  context.print(answer, () => policyTable([answer]));
}

async function deletePolicy(context: CommandContext): Promise<void> {
  const id = await policyId(context);
  const answer = await context.api.delete(`${base}/${id}`, { region: context.region });

  context.print(answer, () => `deleted access policy ${context.target} and its tokens\n`);
}

function policyId(context: CommandContext): Promise<string> {
  const what = { kind: 'access policy', path: base, region: context.region } as const;
  return resolveId(context.api, what, context.target);
}

/** `org:<id>` and `stack:<id|slug>`, each carrying every `--label-policy`. */
async function readRealms(context: CommandContext): Promise<Policy['realms']> {
  const labelPolicies = context.flags.list('label-policy').map((selector) => ({ selector }));
  const realms: Policy['realms'] = [];

  for (const realm of context.requiredList('realm')) {
    const [type, target] = splitRealm(realm);
    const identifier = type === 'stack' ? await resolveStackId(context.api, target) : target;
    realms.push({ type, identifier, labelPolicies });
  }

  return realms;
}

function splitRealm(realm: string): ['org' | 'stack', string] {
  const at = realm.indexOf(':');
  const type = realm.slice(0, at);
  const target = realm.slice(at + 1);
  if (at > 0 && target !== '' && (type === 'org' || type === 'stack')) return [type, target];

  throw usageError(`--realm expects org:<id> or stack:<id|slug>, received "${realm}"`);
}

function readStatus(value: string | undefined): string {
  if (value === 'active' || value === 'inactive') return value;

  throw usageError(`--status expects active or inactive, received "${value}"`);
}

function policyTable(policies: Policy[]): string {
  const rows = policies.map((policy) => [
    policy.id,
    policy.name,
    scopesText(policy.scopes),
    policy.realms.map(realmText).join(', '),
    policy.status,
  ]);

  return renderTable(headers, rows);
}

/** An admin policy has some twenty scopes: the table shows three and a count; json shows all. */
function scopesText(scopes: string[]): string {
  const shown = scopes.slice(0, shownScopes).join(',');
  return scopes.length > shownScopes ? `${shown},+${scopes.length - shownScopes} more` : shown;
}

/** `stack:12` or, with label policies, `stack:12 {env="prod"}` (selectors as sent). */
function realmText(realm: Policy['realms'][number]): string {
  const selectors = (realm.labelPolicies ?? []).map((labelPolicy) => labelPolicy.selector);
  const name = `${realm.type}:${realm.identifier}`;

  return selectors.length === 0 ? name : `${name} ${selectors.join(' ')}`;
}
