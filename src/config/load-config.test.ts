import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

function fromYaml(text: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-config-')), 'gatehouse.yaml');
  writeFileSync(path, text);
  return () => loadConfig(path);
}

describe('loadConfig', () => {
  it('starts from defaults without a file', () => {
    const config = loadConfig(undefined);

    expect(config.listen).toBe('127.0.0.1:8080');
    expect(config.internalListen).toBe('127.0.0.1:8081');
    expect(config.dataDir).toBe('./data');
    expect(config.regions.map((region) => region.slug)).toEqual(['local']);
    expect(config.limits.maxBodyBytes).toBe(10 * 1024 * 1024);
  });

  it('fills nested defaults of a partly written region', () => {
    const config = fromYaml('regions:\n  - slug: eu\n    metrics: { url: "http://prom:9090" }\n')();

    expect(config.regions[0]?.metrics).toMatchObject({
      kind: 'prometheus',
      tenancy: 'none',
      lbac: 'rewrite',
    });
  });

  it('drops a trailing slash from publicUrl, as clients append paths to it', () => {
    expect(fromYaml('publicUrl: "https://gh.example.test/"\n')().publicUrl).toBe(
      'https://gh.example.test',
    );
  });

  const rejections: [string, string, RegExp][] = [
    [
      'a metrics backend without url (regression: publicUrl made every URL optional)',
      'regions:\n  - slug: a\n    metrics: {}\n',
      /regions\[0\]\.metrics\.url: expected an http\(s\) URL, received nothing/,
    ],
    [
      'lbac header on a plain Prometheus, which would ignore the policy header',
      'regions:\n  - slug: a\n    metrics: { url: "http://p", lbac: header }\n',
      /regions\[0\]\.metrics\.lbac: expected rewrite or vm; header needs kind: mimir/,
    ],
    [
      'lbac vm on a backend that is not VictoriaMetrics',
      'regions:\n  - slug: a\n    metrics: { url: "http://p", kind: mimir, lbac: vm }\n',
      /metrics\.lbac: expected vm only with kind: victoriametrics/,
    ],
    [
      'tenancy header on a plain Prometheus, which ignores X-Scope-OrgID',
      'regions:\n  - slug: a\n    metrics: { url: "http://p", tenancy: header }\n',
      /metrics\.tenancy: expected none or label; header needs kind: mimir/,
    ],
    [
      'lbac header for logs without tenancy header',
      'regions:\n  - slug: a\n    logs: { url: "http://l", tenancy: label, lbac: header }\n',
      /logs\.lbac: expected rewrite; header needs tenancy: header/,
    ],
    ['a port above 65535', 'listen: 127.0.0.1:99999\n', /config key listen: expected a port/],
    [
      'the same address for both listeners',
      'listen: 127.0.0.1:9000\ninternalListen: 127.0.0.1:9000\n',
      /internalListen: expected an address other than listen/,
    ],
    [
      'a CIDR with a prefix too long',
      'trustedProxies: [10.0.0.0/99]\n',
      /trustedProxies\[0\]: expected a valid CIDR/,
    ],
    [
      'an unknown top-level key',
      'listne: 127.0.0.1:1\n',
      /config key listne: expected one of the known keys/,
    ],
    [
      'an unknown nested key',
      'regions:\n  - slug: a\n    metrix: {}\n',
      /config key regions\[0\]\.metrix/,
    ],
    [
      'a wrong enum value',
      'regions:\n  - slug: a\n    metrics: { url: "http://p", tenancy: tenant }\n',
      /regions\[0\]\.metrics\.tenancy: expected one of header \| none \| label, received "tenant"/,
    ],
    [
      'a listen address without port',
      'listen: localhost\n',
      /config key listen: expected host:port/,
    ],
    [
      'a backend URL that is not http',
      'regions:\n  - slug: a\n    metrics: { url: "ftp://p" }\n',
      /metrics\.url: expected an http\(s\) URL/,
    ],
    [
      'a number out of range',
      'limits: { maxBodyBytes: 5 }\n',
      /limits\.maxBodyBytes: expected an integer from 1024/,
    ],
    [
      'two regions with one slug',
      'regions:\n  - slug: a\n  - slug: a\n',
      /regions\[1\]\.slug: expected a slug not used by another region/,
    ],
    ['no regions', 'regions: []\n', /config key regions: expected a list of at least 1/],
    ['YAML that does not parse', 'listen: [\n', /not valid YAML/],
  ];

  it.each(rejections)('fails start-up on %s, naming the key', (_name, yaml, message) => {
    expect(fromYaml(yaml)).toThrow(message);
  });
});
