import { describe as vitestDescribe } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';

/**
 * The published Grafana Cloud API document (docs/api.md) as an executable contract: find the
 * operation a request hits, then validate a response body against the schema the document
 * gives for that operation and status.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the document is looked for, first hit wins: shared/ beside the repo, then a copy. */
export const contractLocations = [
  ...(process.env.GATEHOUSE_OPENAPI ? [process.env.GATEHOUSE_OPENAPI] : []),
  join(repoRoot, '../shared/reference/gcom-openapi.json'),
  join(repoRoot, 'test/contract/gcom-openapi.json'),
];

/** The key the whole document is registered under in Ajv; response schemas point into it. */
const documentKey = 'gcom-openapi.json';

const httpMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

interface MediaType {
  schema?: unknown;
}

export interface ContractResponse {
  description?: string;
  content?: Record<string, MediaType>;
}

export interface ContractOperation {
  operationId: string;
  /** Upper case, as on the wire. */
  method: string;
  /** The document's path template, without the server base path (`/v1/tokens/{id}`). */
  template: string;
  responses: Record<string, ContractResponse>;
}

export interface ContractMatch {
  operation: ContractOperation;
  /** The response key that applied: the status itself, a range such as `4XX`, or `default`. */
  responseKey: string;
}

interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, { operationId?: string; responses?: unknown }>>;
}

interface Contract {
  location: string;
  basePath: string;
  operations: ContractOperation[];
  ajv: Ajv;
  validators: Map<string, ValidateFunction>;
}

let loaded: Contract | undefined;

function contract(): Contract {
  loaded ??= loadContract();
  return loaded;
}

/**
 * Whether the document is here. It is Grafana's, not part of this repository: CI has it beside
 * the clone; elsewhere set GATEHOUSE_OPENAPI to its path. Without it the contract suites are
 * skipped and the e2e suites check everything but the schemas (scripts/test.sh says so).
 */
export function contractAvailable(): boolean {
  return contractLocations.some((candidate) => existsSync(candidate));
}

/** `describe` for suites that are only about the contract: skipped without the document. */
export const describeContract = contractAvailable() ? vitestDescribe : vitestDescribe.skip;

/** The file the contract was read from. */
export function contractLocation(): string {
  return contract().location;
}

function loadContract(): Contract {
  const location = contractLocations.find((candidate) => existsSync(candidate));
  if (!location) {
    throw new Error(`gcom-openapi.json not found; looked in ${contractLocations.join(', ')}`);
  }

  const document = JSON.parse(readFileSync(location, 'utf8')) as OpenApiDocument;
  const ajv = createAjv();
  ajv.addSchema(withoutTypelessNullable(document) as object, documentKey);

  return {
    location,
    basePath: document.servers?.[0]?.url.replace(/\/$/, '') ?? '',
    operations: operationsOf(document),
    ajv,
    validators: new Map(),
  };
}

/**
 * Ajv for OpenAPI 3.0 schemas: `nullable` is built into Ajv 8; annotations JSON Schema does
 * not know (`example`, `x-*`) are tolerated; every violation is reported, with the value.
 */
function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strictSchema: false, strictTypes: false });
  // ajv-formats is CommonJS: under NodeNext the default import is the module; the plugin is
  // its `default`.
  ajvFormats.default(ajv);

  // Formats the document uses beyond ajv-formats. `string` and `integer` only restate the type.
  ajv.addFormat('string', true);
  ajv.addFormat('integer', true);
  ajv.addFormat('ipv4-cidr', (value: string) => isCidr(value, isIPv4, 32));
  ajv.addFormat('ipv6-cidr', (value: string) => isCidr(value, isIPv6, 128));

  return ajv;
}

function isCidr(value: string, isAddress: (text: string) => boolean, maxBits: number): boolean {
  const [address, bits, extra] = value.split('/');
  if (address === undefined || bits === undefined || extra !== undefined) return false;

  return isAddress(address) && /^\d{1,3}$/.test(bits) && Number(bits) <= maxBits;
}

/**
 * OpenAPI 3.0.3 gives `nullable` meaning only next to `type`; a schema without a type already
 * admits null. Ajv refuses the typeless form, so it is dropped from an in-memory copy.
 */
function withoutTypelessNullable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypelessNullable);
  if (typeof value !== 'object' || value === null) return value;

  const entries = Object.entries(value).filter(
    ([key, child]) => !(key === 'nullable' && typeof child === 'boolean' && !('type' in value)),
  );
  return Object.fromEntries(entries.map(([key, child]) => [key, withoutTypelessNullable(child)]));
}

function operationsOf(document: OpenApiDocument): ContractOperation[] {
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => httpMethods.includes(method))
      .map(([method, operation]) => ({
        operationId: operation.operationId ?? `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        responses: (operation.responses ?? {}) as Record<string, ContractResponse>,
      })),
  );
}

/**
 * The operation for a method and a path: a concrete wire path (`/api/v1/tokens/abc?region=x`)
 * or a template (`/v1/tokens/{id}`). Literal segments beat parameters, as in OpenAPI 3.0.3
 * §4.7.8 (`/v1/accesspolicies/config` is getConfig, not getAccessPolicy).
 */
export function contractFor(method: string, path: string): ContractOperation {
  const { basePath, operations } = contract();
  const segments = relativePath(path, basePath).split('/');
  const verb = method.toUpperCase();

  let best: { operation: ContractOperation; rank: string } | undefined;
  for (const operation of operations) {
    const rank =
      operation.method === verb ? matchRank(operation.template.split('/'), segments) : '';
    if (rank !== '' && (best === undefined || rank > best.rank)) best = { operation, rank };
  }

  if (!best) throw new Error(`the contract has no operation for ${verb} ${path}`);
  return best.operation;
}

function relativePath(path: string, basePath: string): string {
  const bare = path.replace(/[?#].*$/, '');
  return basePath !== '' && bare.startsWith(`${basePath}/`) ? bare.slice(basePath.length) : bare;
}

/** '' when the template does not match; else one digit per segment, 1 for a literal match. */
function matchRank(template: string[], segments: string[]): string {
  if (template.length !== segments.length) return '';

  let rank = '';
  for (const [index, part] of template.entries()) {
    const segment = segments[index] ?? '';
    if (/^\{[^}]+\}$/.test(part) && segment !== '') rank += '0';
    else if (part === segment) rank += '1';
    else return '';
  }

  return rank;
}

/** The response object for a status: the exact code, then its range (`4XX`), then `default`. */
function responseFor(operation: ContractOperation, status: number): string | undefined {
  const keys = [String(status), `${Math.floor(status / 100)}XX`, 'default'];
  return keys.find((key) => operation.responses[key] !== undefined);
}

/**
 * Checks one answer against the contract and throws a readable error listing every violation
 * (instance path and message) or saying that the status is not documented. A response the
 * document gives no JSON body for accepts any body.
 */
export function expectContract(
  method: string,
  concretePath: string,
  status: number,
  body: unknown,
): ContractMatch | undefined {
  if (!contractAvailable()) return undefined;

  const operation = contractFor(method, concretePath);
  const label = `${method.toUpperCase()} ${concretePath} → ${status}`;
  const responseKey = responseFor(operation, status);
  if (responseKey === undefined) {
    const documented = Object.keys(operation.responses).join(', ');
    throw new Error(
      `${label}: status ${status} is not documented for ${describe(operation)}; ` +
        `documented: ${documented}`,
    );
  }

  const pointer = jsonSchemaPointer(operation, responseKey);
  if (pointer === undefined) return { operation, responseKey };

  if (body === undefined) {
    throw new Error(`${label}: empty body, but ${describe(operation)} ${responseKey} has a schema`);
  }

  const validate = validatorFor(pointer);
  if (validate(body)) return { operation, responseKey };

  const header = `${label} does not match ${describe(operation)} response ${responseKey}`;
  throw new ContractViolation(header, schemaName(operation, responseKey), validate, body);
}

/**
 * Checks a value against one of the document's named schemas, e.g. each item of a list whose
 * response schema only says `object` (AccessPolicyListResponse items).
 */
export function expectSchema(name: string, value: unknown, where = 'value'): void {
  const validate = validatorFor(`components/schemas/${escapeSegment(name)}`);
  if (validate(value)) return;

  throw new ContractViolation(`${where} does not match ${name}`, name, validate, value);
}

/** Every operation of the document (e.g. to check that each response schema compiles). */
export function contractOperations(): readonly ContractOperation[] {
  return contract().operations;
}

function describe(operation: ContractOperation): string {
  return `${operation.operationId} (${operation.method} ${operation.template})`;
}

/** The JSON media type's schema of a response, if the document gives one. */
function jsonSchemaOf(operation: ContractOperation, responseKey: string) {
  const content = operation.responses[responseKey]?.content ?? {};
  const mediaType = Object.keys(content).find((type) => /\bjson\b/.test(type));
  const schema = mediaType === undefined ? undefined : content[mediaType]?.schema;

  return mediaType === undefined || schema === undefined ? undefined : { mediaType, schema };
}

/** JSON pointer (RFC 6901, URI-fragment form) from the document root to that schema. */
function jsonSchemaPointer(operation: ContractOperation, responseKey: string): string | undefined {
  const found = jsonSchemaOf(operation, responseKey);
  if (found === undefined) return undefined;

  const path = ['paths', operation.template, operation.method.toLowerCase(), 'responses'];
  return [...path, responseKey, 'content', found.mediaType, 'schema'].map(escapeSegment).join('/');
}

function escapeSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function validatorFor(pointer: string): ValidateFunction {
  const { ajv, validators } = contract();
  const cached = validators.get(pointer);
  if (cached) return cached;

  const validate = ajv.compile({ $ref: `${documentKey}#/${pointer}` });
  validators.set(pointer, validate);
  return validate;
}

function schemaName(operation: ContractOperation, responseKey: string): string {
  const schema = jsonSchemaOf(operation, responseKey)?.schema as { $ref?: unknown } | undefined;
  return typeof schema?.$ref === 'string' ? schema.$ref : 'inline schema';
}

/** A body that does not match its schema; `violations` lets a test single out a known gap. */
export class ContractViolation extends Error {
  readonly violations: readonly ErrorObject[];

  constructor(header: string, schema: string, validate: ValidateFunction, body: unknown) {
    const violations = validate.errors ?? [];
    const shown = new Set<string>();
    const lines = violations.map((error) => `  - ${violationLine(error, shown)}`);
    const bodyLine = `  body: ${clip(JSON.stringify(body), 600)}`;

    super([`${header} (${schema}):`, ...lines, bodyLine].join('\n'));
    this.name = 'ContractViolation';
    this.violations = [...violations];
  }
}

/** One violation; an enum's allowed values are listed the first time its schema refuses. */
function violationLine(error: ErrorObject, shown: Set<string>): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  let detail = '';

  if (typeof params.additionalProperty === 'string') detail = ` "${params.additionalProperty}"`;
  if (Array.isArray(params.allowedValues) && !shown.has(error.schemaPath)) {
    detail = ` ${JSON.stringify(params.allowedValues)}`;
    shown.add(error.schemaPath);
  }

  if (['type', 'format', 'enum', 'const', 'pattern'].includes(error.keyword)) {
    detail += `, received ${clip(JSON.stringify(error.data) ?? 'undefined', 80)}`;
  }

  return `${where}: ${error.message ?? error.keyword}${detail}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
