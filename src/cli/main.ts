import { loadConfig } from '../config/load-config.js';
import { ConfigError } from '../config/schema-check.js';
import { createLogger } from '../log/logger.js';
import { startGatehouse } from '../server/gatehouse.js';

const usage = `usage: gatehouse serve [--config <file>]

  serve     run the API and gateway (config: --config or GATEHOUSE_CONFIG; none = defaults)
`;

/** `gatehouse <command>`; the management commands come with the Cloud API compatibility work. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'serve') return serve(rest);

  process.stderr.write(usage);
  return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
}

async function serve(args: string[]): Promise<number> {
  const configPath = readFlag(args, '--config') ?? process.env.GATEHOUSE_CONFIG;

  let config;
  try {
    config = loadConfig(configPath);
  } catch (error) {
    const prefix = error instanceof ConfigError ? 'invalid configuration: ' : '';
    process.stderr.write(`gatehouse: ${prefix}${(error as Error).message}\n`);
    return 2;
  }

  const log = createLogger(config.log.level);
  const running = await startGatehouse(config, log);
  log.info(
    { url: running.url, internal: running.internalUrl, dataDir: config.dataDir },
    'gatehouse started',
  );

  if (running.adminToken && config.printAdminToken) {
    process.stdout.write(
      `\nAdmin token (shown once, also in ${config.dataDir}/admin-token):\n${running.adminToken}\n\n`,
    );
  }

  await waitForSignal();
  log.info('shutting down');
  await running.close();
  return 0;
}

function readFlag(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];

  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
