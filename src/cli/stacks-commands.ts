import { usageError } from './cli-error.js';
import type { CommandContext } from './command-context.js';
import type { Query } from './api-client.js';
import type { Resource } from './resource-command.js';
import { renderTable } from './table.js';

/** The fields of FormattedApiInstance the table shows; `/api/instances` carries the user ids. */
interface Instance {
  id: number;
  slug: string;
  name: string;
  regionSlug: string;
  hmInstancePromId: number;
  hlInstanceId: number;
}

interface InstanceList {
  items: Instance[];
  page: number;
  pages: number;
  total: number;
}

const headers = ['ID', 'SLUG', 'NAME', 'REGION', 'METRICS-USER', 'LOGS-USER'];
const base = '/api/instances';

/**
 * Stacks through `/api/instances` (FormattedApiInstance) rather than `/api/v1/stacks`: only that
 * shape carries the per-service ids that clients log in with (the metrics and logs users).
 */
export const stacksCommands: Resource = {
  name: 'stacks',
  about: 'stacks and the instance ids clients log in with',
  notes: `A stack is named by its id or its slug. list --region filters by region; create --region
defaults to GATEHOUSE_REGION, else local.
--delete-protection on create makes delete refuse until update --delete-protection false.`,
  commands: {
    list: {
      synopsis:
        '[--name <name>] [--slug <slug>] [--region <region>] [--label k=v]... ' +
        '[--page <n>] [--page-size <n>]',
      positionals: 0,
      flags: {
        name: { kind: 'value' },
        slug: { kind: 'value' },
        region: { kind: 'value' },
        label: { kind: 'list' },
        page: { kind: 'value' },
        'page-size': { kind: 'value' },
      },
      run: listStacks,
    },
    get: { synopsis: '<id|slug>', positionals: 1, flags: {}, run: getStack },
    create: {
      synopsis:
        '--name <name> --slug <slug> [--region <region>] [--description <text>] ' +
        '[--label k=v]... [--delete-protection]',
      positionals: 0,
      flags: {
        name: { kind: 'value' },
        slug: { kind: 'value' },
        region: { kind: 'value' },
        description: { kind: 'value' },
        label: { kind: 'list' },
        'delete-protection': { kind: 'switch' },
      },
      run: createStack,
    },
    update: {
      synopsis: '<id|slug> [--name <name>] [--description <text>] [--delete-protection true|false]',
      positionals: 1,
      flags: {
        name: { kind: 'value' },
        description: { kind: 'value' },
        'delete-protection': { kind: 'value' },
      },
      run: updateStack,
    },
    delete: { synopsis: '<id|slug>', positionals: 1, flags: {}, run: deleteStack },
  },
};

async function listStacks(context: CommandContext): Promise<void> {
  const { flags } = context;
  const query: Query = {
    name: flags.value('name'),
    slug: flags.value('slug'),
    region: flags.value('region'),
    labels: readLabels(flags.list('label')).map(([key, value]) => `${key}:${value}`),
    page: flags.value('page'),
    pageSize: flags.value('page-size'),
  };

  const answer = (await context.api.get(base, query)) as InstanceList;
  context.print(answer, () => stackTable(answer.items));
  if (context.format === 'table') morePagesNote(context, answer);
}

/** Tables show one page; stderr says how to ask for the next, so stdout stays the table. */
function morePagesNote(context: CommandContext, list: InstanceList): void {
  if (list.page >= list.pages) return;

  const where = `page ${list.page} of ${list.pages} (${list.total} stacks)`;
  context.io.err(`${where}: add --page ${list.page + 1} for more\n`);
}

async function getStack(context: CommandContext): Promise<void> {
  const answer = (await context.api.get(itemPath(context.target))) as Instance;
  context.print(answer, () => stackTable([answer]));
}

async function createStack(context: CommandContext): Promise<void> {
  const { flags } = context;
  const labels = readLabels(flags.list('label'));
  const body = {
    name: context.required('name'),
    slug: context.required('slug'),
    region: context.region,
    ...(flags.has('description') ? { description: flags.value('description') } : {}),
    ...(labels.length > 0 ? { labels: Object.fromEntries(labels) } : {}),
    deleteProtection: flags.has('delete-protection'),
  };

  const answer = (await context.api.post(base, {}, body)) as Instance;
  context.print(answer, () => stackTable([answer]));
}

async function updateStack(context: CommandContext): Promise<void> {
  const { flags } = context;
  const protection = flags.value('delete-protection');
  const body = {
    ...(flags.has('name') ? { name: flags.value('name') } : {}),
    ...(flags.has('description') ? { description: flags.value('description') } : {}),
    ...(protection === undefined ? {} : { deleteProtection: readBoolean(protection) }),
  };
  context.requireChanges(body);

  const answer = (await context.api.post(itemPath(context.target), {}, body)) as Instance;
  context.print(answer, () => stackTable([answer]));
}

async function deleteStack(context: CommandContext): Promise<void> {
  const answer = (await context.api.delete(itemPath(context.target))) as Instance;
  context.print(answer, () => `deleted stack ${answer.slug} (id ${answer.id})\n`);
}

function stackTable(stacks: Instance[]): string {
  const rows = stacks.map((stack) => [
    String(stack.id),
    stack.slug,
    stack.name,
    stack.regionSlug,
    String(stack.hmInstancePromId),
    String(stack.hlInstanceId),
  ]);

  return renderTable(headers, rows);
}

function itemPath(idOrSlug: string): string {
  return `${base}/${encodeURIComponent(idOrSlug)}`;
}

/** `--label team=a` pairs; the API checks the characters. */
function readLabels(pairs: string[]): [string, string][] {
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw usageError(`--label expects key=value, received "${pair}"`);

    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}

function readBoolean(value: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';

  throw usageError(`--delete-protection expects true or false, received "${value}"`);
}
