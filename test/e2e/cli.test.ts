import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'gatehouse.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let gatehouse: TestGatehouse;

beforeAll(async () => {
  buildIfStale();
  // No usage flush mid-test: `-o json` is compared with a second read of the same list.
  gatehouse = await startTestGatehouse({ limits: { usageFlushMs: 3_600_000 } });
});

afterAll(async () => {
  await gatehouse?.stop();
});

/** `node bin/gatehouse.js ...` against the test Gatehouse, with the admin token. */
function gh(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_')),
  );
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: {
      ...inherited,
      GATEHOUSE_URL: gatehouse.url,
      GATEHOUSE_TOKEN: gatehouse.adminToken,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(args: string[]): Promise<string> {
  const run = await gh(args);
  if (run.code !== 0) throw new Error(`gatehouse ${args.join(' ')} → ${run.code}: ${run.stderr}`);

  return run.stdout;
}

/** The rows of a printed table as objects keyed by the header (cells are two spaces apart). */
function table(stdout: string): Record<string, string>[] {
  const lines = stdout.trimEnd().split('\n');
  const headers = (lines[0] ?? '').split(/ {2,}/);

  return lines
    .slice(1)
    .map((line) => Object.fromEntries(line.split(/ {2,}/).map((cell, i) => [headers[i], cell])));
}

describe("an operator's session: stack, policy with a label policy, token", () => {
  let stackId: number;
  let policyId: string;
  let secret: string;

  it('creates a stack and shows the metrics and logs users clients log in with', async () => {
    const out = await ok([
      'stacks',
      'create',
      '--name=Team A',
      '--slug',
      'teama',
      '--label',
      'team=a',
      '--delete-protection',
    ]);
    const instance = await gatehouse.api.instance('teama');
    stackId = instance.id;

    expect(out.split('\n')[0]).toMatch(/^ID +SLUG +NAME +REGION +METRICS-USER +LOGS-USER$/);
    expect(table(out)).toEqual([
      {
        ID: String(instance.id),
        SLUG: 'teama',
        NAME: 'Team A',
        REGION: 'local',
        'METRICS-USER': String(instance.hmInstancePromId),
        'LOGS-USER': String(instance.hlInstanceId),
      },
    ]);
  });

  it('creates a policy on the stack named by its slug, carrying the label policy', async () => {
    const out = await ok([
      'policies',
      'create',
      '--name',
      'teama-read',
      '--scope',
      'metrics:read',
      '--scope',
      'stacks:read',
      '--realm',
      'stack:teama',
      '--label-policy',
      '{env="prod"}',
      '--allowed-subnet',
      '127.0.0.0/8',
    ]);
    const [row] = table(out);
    policyId = row?.ID ?? '';
    const stored = await gatehouse.api.ok('GET', `/api/v1/accesspolicies/${policyId}?region=local`);

    expect(row).toMatchObject({
      NAME: 'teama-read',
      SCOPES: 'metrics:read,stacks:read',
      REALMS: `stack:${stackId} {env="prod"}`,
      STATUS: 'active',
    });
    expect(stored.realms).toEqual([
      { type: 'stack', identifier: String(stackId), labelPolicies: [{ selector: '{env="prod"}' }] },
    ]);
    expect(stored.conditions).toEqual({ allowedSubnets: ['127.0.0.0/8'] });
  });

  it('creates a token for the policy named by its name and prints the secret once', async () => {
    const out = await ok([
      'tokens',
      'create',
      '--policy',
      'teama-read',
      '--name',
      'grafana',
      '--expires-in',
      '30d',
    ]);
    const [tableText = '', notice = ''] = out.split('\n\n');
    secret = notice.split('\n')[1] ?? '';
    const [row] = table(tableText);
    const expires = Date.parse(row?.EXPIRES ?? '');

    expect(row).toMatchObject({ NAME: 'grafana', POLICY: 'teama-read', 'LAST-USED': 'never' });
    expect(Math.abs(expires - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    expect(notice).toMatch(/will not be shown again/);
    expect(secret).toMatch(/^glc_/);
  });

  it('prints a secret that authenticates', async () => {
    const answer = await gatehouse.api.withToken(secret).call('GET', '/api/instances/teama');

    expect(answer.status).toBe(200);
  });

  it('lists stacks, policies and tokens as tables', async () => {
    const stacks = table(await ok(['stacks', 'list', '--label', 'team=a']));
    const policies = table(await ok(['policies', 'list', '--name', 'teama-read']));
    const tokens = table(await ok(['tokens', 'list', '--policy', 'teama-read']));

    expect(stacks.map((row) => row.SLUG)).toEqual(['teama']);
    expect(policies.map((row) => row.ID)).toEqual([policyId]);
    expect(tokens.map((row) => [row.NAME, row.POLICY])).toEqual([['grafana', 'teama-read']]);
  });

  it('prints the API answer as is with -o json', async () => {
    const paths = [
      [['stacks', 'get', 'teama', '-o', 'json'], '/api/instances/teama'],
      [['policies', 'list', '-o', 'json'], '/api/v1/accesspolicies?region=local'],
      [
        ['policies', 'get', 'teama-read', '-o', 'json'],
        `/api/v1/accesspolicies/${policyId}?region=local`,
      ],
      [['tokens', 'list', '--output=json'], '/api/v1/tokens?region=local'],
    ] as const;

    for (const [args, path] of paths) {
      const out = await ok([...args]);
      expect(JSON.parse(out), args.join(' ')).toEqual(await gatehouse.api.ok('GET', path));
      expect(out).toContain('\n  "');
    }
  });

  it('never shows the secret again', async () => {
    const outputs = await Promise.all([
      ok(['tokens', 'list']),
      ok(['tokens', 'list', '-o', 'json']),
      ok(['tokens', 'get', 'grafana', '-o', 'json']),
    ]);

    for (const out of outputs) expect(out).not.toContain(secret.slice(4, 40));
  });

  it('updates the stack, the policy and the token', async () => {
    const stack = table(
      await ok(['stacks', 'update', 'teama', '--name', 'Team A2', '--delete-protection', 'true']),
    );
    const policy = table(
      await ok(['policies', 'update', policyId, '--status', 'inactive', '--display-name', 'A']),
    );
    const token = table(await ok(['tokens', 'update', 'grafana', '--no-expiry']));

    expect(stack[0]?.NAME).toBe('Team A2');
    expect(policy[0]?.STATUS).toBe('inactive');
    expect(token[0]?.EXPIRES).toBe('never');
  });

  it('refuses to delete a protected stack with the API message and exit code 1', async () => {
    const run = await gh(['stacks', 'delete', 'teama']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'gatehouse: 409 Conflict: stack teama has deleteProtection enabled; disable it before deleting\n',
    );
  });

  it('deletes the token, the policy and the stack', async () => {
    await ok(['stacks', 'update', String(stackId), '--delete-protection', 'false']);

    expect(await ok(['tokens', 'delete', 'grafana'])).toBe('deleted token grafana\n');
    expect(await ok(['policies', 'delete', policyId, '-o', 'json'])).toBe('{}\n');
    expect(await ok(['stacks', 'delete', 'teama'])).toBe(`deleted stack teama (id ${stackId})\n`);
    expect(table(await ok(['tokens', 'list', '--name', 'grafana']))).toEqual([]);
    expect((await gatehouse.api.call('GET', '/api/instances/teama')).status).toBe(404);
  });
});

describe('failures', () => {
  it('exits 1 with the status, code and message of the API when the token is bad', async () => {
    const run = await gh(['stacks', 'list'], { GATEHOUSE_TOKEN: 'glc_bm90IGEgdG9rZW4=' });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^gatehouse: 401 InvalidCredentials: token could not be parsed: .+\n$/,
    );
  });

  it('exits 1 naming the URL when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await gh(['tokens', 'list'], { GATEHOUSE_URL: url });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot connect to Gatehouse at ${url}: connection refused`);
  });

  it('exits 2 naming an unknown flag', async () => {
    const run = await gh(['policies', 'list', '--colour', 'blue']);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'gatehouse: unknown flag --colour for "gatehouse policies list" (see gatehouse policies --help)\n',
    );
  });

  it.each([
    ['a missing required flag', ['stacks', 'create', '--name', 'x'], /needs --slug/],
    ['a flag without its value', ['tokens', 'create', '--name'], /flag --name needs a value/],
    ['an unknown output format', ['stacks', 'list', '-o', 'yaml'], /-o expects json or table/],
    [
      'a malformed realm',
      ['policies', 'create', '--name', 'p', '--scope', 'a:b', '--realm', 'x'],
      /--realm expects/,
    ],
    ['two expiries', ['tokens', 'update', 't', '--no-expiry', '--expires-in', '1d'], /only one of/],
    ['an update that changes nothing', ['policies', 'update', 'p'], /at least one flag/],
    ['a missing id', ['stacks', 'get'], /needs an id/],
    ['an unknown command', ['stacks', 'rename'], /unknown command "rename"/],
  ])('exits 2 on %s', async (_name, args, message) => {
    const run = await gh(args);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('exits 1 naming a policy that does not exist', async () => {
    const run = await gh(['tokens', 'create', '--policy', 'nobody', '--name', 'x']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('gatehouse: no access policy named "nobody" in region local\n');
  });
});

describe('help', () => {
  it('lists serve and the three resources', async () => {
    const run = await gh(['help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: gatehouse <command>/);
    for (const word of ['serve', 'stacks', 'policies', 'tokens'])
      expect(run.stdout).toContain(word);
  });

  it('shows every command of a resource with --help, needing no token', async () => {
    const run = await gh(['tokens', 'create', '--help'], { GATEHOUSE_TOKEN: '' });

    expect(run.code).toBe(0);
    for (const verb of ['list', 'get', 'create', 'update', 'delete'])
      expect(run.stdout).toContain(`gatehouse tokens ${verb}`);
    expect(run.stdout.split('\n').every((line) => line.length <= 100)).toBe(true);
  });

  it('keeps serve: its help and its flag checks', async () => {
    const help = await gh(['serve', '--help']);
    const bad = await gh(['serve', '--port', '1']);

    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: gatehouse serve/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown flag --port');
  });
});

/**
 * bin/gatehouse.js loads dist/: compile once when a source file is newer than its output. Others
 * may be mid-edit elsewhere in src, so a failed compile only matters if the CLI's own output
 * is still missing or old.
 */
function buildIfStale(): void {
  if (staleSources().length === 0) return;

  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let log = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root });
  } catch (error) {
    log = String((error as { stdout?: Buffer }).stdout ?? error);
  }

  const stale = staleSources().filter((file) => file.startsWith(join('src', 'cli')));
  if (stale.length > 0) throw new Error(`dist is stale for ${stale.join(', ')}:\n${log}`);
}

function staleSources(): string[] {
  return sourceFiles(join(root, 'src'))
    .filter((file) => {
      const built = join(root, 'dist', relative(join(root, 'src'), file).replace(/\.ts$/, '.js'));
      return !existsSync(built) || statSync(built).mtimeMs < statSync(file).mtimeMs;
    })
    .map((file) => relative(root, file));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    const emitted = entry.name.endsWith('.ts') && !/\.(test|d)\.ts$/.test(entry.name);
    return emitted ? [path] : [];
  });
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}
