import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parse } from 'yaml';
import { configCheck, type Config } from './config.js';
import { ConfigError } from './schema-check.js';

/**
 * Reads and validates the YAML config. No path means "all defaults" (docs/configuration.md: a fresh
 * install starts with no file). Throws ConfigError naming the offending key.
 */
export function loadConfig(path: string | undefined): Config {
  const raw = path === undefined ? {} : readYaml(path);
  const config = configCheck(raw, '');

  checkRegionsUnique(config);
  checkAddresses(config);
  checkLbacModes(config);
  return { ...config, publicUrl: config.publicUrl?.replace(/\/+$/, '') };
}

/** What the schema cannot say alone: port ranges, distinct listeners, valid CIDRs. */
function checkAddresses(config: Config): void {
  for (const key of ['listen', 'internalListen'] as const) {
    const port = Number(config[key].slice(config[key].lastIndexOf(':') + 1));
    if (port > 65_535) throw new ConfigError(key, 'a port from 0 to 65535', config[key]);
  }

  if (config.listen === config.internalListen && !config.listen.endsWith(':0')) {
    throw new ConfigError('internalListen', 'an address other than listen', config.internalListen);
  }

  config.trustedProxies.forEach((cidr, index) => {
    if (!isCidr(cidr)) throw new ConfigError(`trustedProxies[${index}]`, 'a valid CIDR', cidr);
  });
}

/**
 * lbac `header` and `vm` hand the policy to the backend: on a backend that ignores it, label
 * policies would silently not apply, so each mode needs the backend kind that honours it.
 */
function checkLbacModes(config: Config): void {
  config.regions.forEach((region, index) => {
    const metrics = region.metrics;
    if (metrics?.lbac === 'header' && metrics.kind !== 'mimir') {
      throw new ConfigError(
        `regions[${index}].metrics.lbac`,
        'rewrite or vm; header needs kind: mimir (a Mimir with label access control)',
        'header',
      );
    }

    // Only Mimir reads X-Scope-OrgID; Prometheus and VictoriaMetrics would mix the stacks.
    if (metrics?.tenancy === 'header' && metrics.kind !== 'mimir') {
      throw new ConfigError(
        `regions[${index}].metrics.tenancy`,
        'none or label; header needs kind: mimir (the others ignore X-Scope-OrgID)',
        'header',
      );
    }

    for (const service of ['metrics', 'logs'] as const) {
      // The policy header names the stack's tenant: the backend must be reading that tenant.
      const backend = region[service];
      if (backend?.lbac === 'header' && backend.tenancy !== 'header') {
        throw new ConfigError(
          `regions[${index}].${service}.lbac`,
          'rewrite; header needs tenancy: header (the policy names the X-Scope-OrgID tenant)',
          'header',
        );
      }
    }

    if (metrics?.lbac === 'vm' && metrics.kind !== 'victoriametrics')
      throw new ConfigError(
        `regions[${index}].metrics.lbac`,
        'vm only with kind: victoriametrics',
        'vm',
      );
  });
}

function isCidr(text: string): boolean {
  const [address = '', bits = ''] = text.split('/');
  const family = isIP(address);
  const prefix = Number(bits);

  return (
    family !== 0 && Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128)
  );
}

function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read config file ${path}: ${(error as Error).message}`);
  }

  try {
    return parse(text) ?? {};
  } catch (error) {
    throw new Error(`config file ${path} is not valid YAML: ${(error as Error).message}`);
  }
}

function checkRegionsUnique(config: Config): void {
  const seen = new Set<string>();
  config.regions.forEach((region, index) => {
    if (seen.has(region.slug)) {
      throw new ConfigError(
        `regions[${index}].slug`,
        'a slug not used by another region',
        region.slug,
      );
    }

    seen.add(region.slug);
  });
}
