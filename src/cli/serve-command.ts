import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load-config.js';
import { ConfigError } from '../config/schema-check.js';
import { createLogger } from '../log/logger.js';
import { startGatehouse } from '../server/gatehouse.js';
import { usageError } from './cli-error.js';
import { parseFlags } from './parse-flags.js';

const usage = `usage: gatehouse serve [--config <file>]

Runs the API and the gateway. The configuration file is --config, else GATEHOUSE_CONFIG; with
neither, the defaults (docs/configuration.md).
`;

const specs = { config: { kind: 'value' }, help: { kind: 'switch', short: 'h' } } as const;

/** `gatehouse serve`: runs until SIGINT or SIGTERM, then closes the listeners and the store. */
export async function serve(args: string[]): Promise<number> {
  const flags = parseFlags(args, specs, 'gatehouse serve');
  if (flags.has('help')) {
    process.stdout.write(usage);
    return 0;
  }

  if (flags.positionals.length > 0)
    throw usageError(`"gatehouse serve" takes no arguments, received "${flags.positionals[0]}"`);

  await run(readConfig(flags.value('config') ?? process.env.GATEHOUSE_CONFIG));
  return 0;
}

/** A configuration that does not load is a usage error (exit 2) naming the key. */
function readConfig(path: string | undefined): Config {
  try {
    return loadConfig(path);
  } catch (error) {
    const prefix = error instanceof ConfigError ? 'invalid configuration: ' : '';
    throw usageError(`${prefix}${(error as Error).message}`);
  }
}

async function run(config: Config): Promise<void> {
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
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
