import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { configCheck, type Config } from './config.js';
import { ConfigError } from './schema-check.js';

/**
 * Reads and validates the YAML config. No path means "all defaults" (design §6: a fresh
 * install starts with no file). Throws ConfigError naming the offending key.
 */
export function loadConfig(path: string | undefined): Config {
  const raw = path === undefined ? {} : readYaml(path);
  const config = configCheck(raw, '');

  checkRegionsUnique(config);
  return config;
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
