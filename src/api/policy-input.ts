import { isWellFormedScope } from '../auth/scope-catalogue.js';
import { SubnetList } from '../auth/subnet-list.js';
import type { PolicyConditions, PolicyStatus, Realm } from '../model/access-policy.js';
import type { LabelMatcher } from '../model/label-matcher.js';
import { parseSelector } from '../query/promql/parse-selector.js';
import type { PolicyPatch } from '../store/store.js';
import {
  invalid,
  preview,
  readDisplayName,
  readName,
  readObject,
  readStringList,
} from './input-fields.js';

export interface PolicyInput {
  name: string;
  displayName: string;
  scopes: string[];
  realms: Realm[];
  conditions: PolicyConditions | null;
  status: PolicyStatus;
}

/** POST /v1/accesspolicies: name, scopes and realms required (OpenAPI postAccessPolicies). */
export function readPolicyCreate(body: Record<string, unknown>): PolicyInput {
  const name = readName(body, 'name');

  return {
    name,
    displayName: readDisplayName(body, name) as string,
    scopes: readScopes(body.scopes),
    realms: readRealms(body.realms),
    conditions: body.conditions === undefined ? null : readConditions(body.conditions),
    status: body.status === undefined ? 'active' : readStatus(body.status),
  };
}

/** POST /v1/accesspolicies/<id>: fields present replace, absent stay; `name` is immutable. */
export function readPolicyUpdate(body: Record<string, unknown>, currentName: string): PolicyPatch {
  if (body.name !== undefined && body.name !== currentName)
    throw invalid('name', 'the name of a policy cannot change');

  return {
    displayName: readDisplayName(body, body.displayName === '' ? currentName : undefined),
    scopes: body.scopes === undefined ? undefined : readScopes(body.scopes),
    realms: body.realms === undefined ? undefined : readRealms(body.realms),
    conditions: body.conditions === undefined ? undefined : readConditions(body.conditions),
    status: body.status === undefined ? undefined : readStatus(body.status),
  };
}

function readScopes(value: unknown): string[] {
  const scopes = readStringList(value, 'scopes');
  if (scopes.length === 0) throw invalid('scopes', 'at least one scope is required');

  const bad = scopes.find((scope) => !isWellFormedScope(scope));
  if (bad !== undefined)
    throw invalid(
      'scopes',
      `expected <service>:<permission> with exactly one ":", received ${preview(bad)}`,
    );

  return scopes;
}

function readRealms(value: unknown): Realm[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid('realms', `expected a non-empty list, received ${preview(value)}`);

  return value.map((item, index) => readRealm(item, `realms[${index}]`));
}

function readRealm(value: unknown, field: string): Realm {
  const realm = readObject(value, field);
  if (realm.type !== 'org' && realm.type !== 'stack') {
    throw invalid(`${field}.type`, `expected org or stack, received ${preview(realm.type)}`);
  }

  const identifier =
    typeof realm.identifier === 'number' ? String(realm.identifier) : realm.identifier;
  if (typeof identifier !== 'string' || !/^[1-9]\d*$/.test(identifier)) {
    throw invalid(
      `${field}.identifier`,
      `expected the numeric id of the ${realm.type}, received ${preview(realm.identifier)}`,
    );
  }

  return {
    type: realm.type,
    identifier,
    labelPolicies: readLabelPolicies(realm.labelPolicies, `${field}.labelPolicies`),
  };
}

function readLabelPolicies(value: unknown, field: string): Realm['labelPolicies'] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(field, `expected a list, received ${preview(value)}`);

  return value.map((item, index) => {
    const selector = readObject(item, `${field}[${index}]`).selector;
    if (typeof selector !== 'string')
      throw invalid(`${field}[${index}].selector`, 'expected a string');

    checkSelector(selector, `${field}[${index}].selector`);
    return { selector };
  });
}

function checkSelector(selector: string, field: string): void {
  try {
    const matchers = parseSelector(selector);
    // `{}` would select everything; a realm without label policies says that plainly.
    if (matchers.length === 0) throw new Error('it has no matchers (omit labelPolicies instead)');
    matchers.forEach(checkRegex);
  } catch (error) {
    throw invalid(
      field,
      `${preview(selector)} is not a label selector such as {namespace="team-a"}: ${(error as Error).message}`,
    );
  }
}

/**
 * Regex matchers must compile as the backends' RE2 would: a policy regex that fails only at
 * query time would refuse every read of its tokens (and show the regex in the error), and one
 * like `a)|(.*` would change meaning once merged with another selector's regex.
 */
function checkRegex(matcher: LabelMatcher): void {
  if (matcher.op !== '=~' && matcher.op !== '!~') return;

  // RE2 has no lookaround and no backreferences; Go's regexp also refuses \C and \Z.
  if (/\(\?[=!<]|\\[1-9]|\\[CZ]/.test(matcher.value))
    throw new Error(
      `regex of ${matcher.name} uses lookaround or a backreference (RE2 has neither)`,
    );

  // Compiled alone, not only inside the backends' ^(?:...)$: `a)|(.*` compiles there and
  // matches everything.
  // RE2 refuses repeat counts above 1000, which JavaScript accepts.
  const counts = [...matcher.value.matchAll(/\{(\d+)(?:,(\d*))?\}/g)];
  if (counts.some((m) => Number(m[1]) > 1000 || Number(m[2] || 0) > 1000))
    throw new Error(`regex of ${matcher.name} repeats more than 1000 times (RE2's limit)`);

  try {
    // RE2's named groups are `(?P<name>...)`, JavaScript's `(?<name>...)`.
    new RegExp(matcher.value.replace(/\(\?[imsU]+\)/g, '').replace(/\(\?P</g, '(?<'));
  } catch {
    throw new Error(`regex of ${matcher.name} does not compile: ${matcher.value}`);
  }
}

/** `null`, `{}` and `allowedSubnets: []` all clear the conditions (Cloud API notes). */
function readConditions(value: unknown): PolicyConditions | null {
  if (value === null) return null;

  const subnets = readObject(value, 'conditions').allowedSubnets;
  if (subnets === undefined || subnets === null) return null;

  const list = readStringList(subnets, 'conditions.allowedSubnets');
  list.forEach((cidr, index) => {
    try {
      SubnetList.check(cidr);
    } catch (error) {
      throw invalid(`conditions.allowedSubnets[${index}]`, (error as Error).message);
    }
  });

  return list.length === 0 ? null : { allowedSubnets: list };
}

function readStatus(value: unknown): PolicyStatus {
  if (value === 'active' || value === 'inactive') return value;
  throw invalid('status', `expected active or inactive, received ${preview(value)}`);
}
