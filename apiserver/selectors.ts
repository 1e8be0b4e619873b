/**
 * Label selectors as the API parses them from `?labelSelector=` (apimachinery/pkg/labels/selector.go
 * `Parse`): comma-ANDed requirements `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`,
 * `!k`, `k>5`, `k<5`. Keys and values are validated like label keys and values; a bad selector
 * is a SelectorError the store answers with 400 BadRequest.
 */
import type { StringMap } from '../api-types/meta.js';

/** Why a selector was refused. */
export type SelectorErrorCode = 'InvalidLabelSelector' | 'InvalidFieldSelector' | 'UnsupportedFieldLabel';

/** A label or field selector that cannot be parsed or is not supported; the API answers 400. */
export class SelectorError extends Error {
  readonly code: SelectorErrorCode;

  constructor(code: SelectorErrorCode, message: string) {
    super(message);
    this.name = 'SelectorError';
    this.code = code;
  }
}

/** The operator of one label requirement. */
export type LabelOperator = 'in' | 'notin' | 'exists' | 'doesnotexist' | 'equals' | 'notequals' | 'gt' | 'lt';

/** One parsed requirement of a label selector. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: readonly string[];
}

/** A parsed label selector. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  /** Whether the selector selects everything. */
  isEverything(): boolean;
  /** Whether an object with these labels is selected. */
  matches(labels: StringMap | undefined): boolean;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Returns why `key` is not a valid label key (optional DNS-subdomain prefix, `/`, name ≤ 63), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > 253 || !prefix.split('.').every((l) => DNS1123_LABEL.test(l))) {
      return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    }
  } else if (parts.length > 2) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character with an optional DNS subdomain prefix and '/'";
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** Returns why `value` is not a valid label value (≤ 63 of `[A-Za-z0-9._-]`, alphanumeric ends), or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

type Token =
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: '!' | '!=' | '=' | '==' | '>' | '<' | '(' | ')' | ',' }
  | { kind: 'end' };

const SPECIAL = new Set(['!', '=', '>', '<', '(', ')', ',']);

// labels/lexer: identifiers run until whitespace or a special symbol; `in`/`notin` are keywords
// only where the parser expects an operator.
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (SPECIAL.has(c)) {
      const two = text.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        out.push({ kind: 'op', text: two });
        i += 2;
      } else {
        out.push({ kind: 'op', text: c as '!' });
        i++;
      }
    } else {
      let j = i;
      while (j < text.length && !SPECIAL.has(text[j]) && !/\s/.test(text[j])) j++;
      out.push({ kind: 'id', text: text.slice(i, j) });
      i = j;
    }
  }
  out.push({ kind: 'end' });
  return out;
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'EOS' : `'${t.text}'`;
}

function fail(message: string): never {
  throw new SelectorError('InvalidLabelSelector', message);
}

/**
 * Parses a label selector; the empty string selects everything.
 * @throws SelectorError (code InvalidLabelSelector) with the parser's or validator's reason.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const next = (): Token => tokens[pos++];
  const requirements: LabelRequirement[] = [];

  const readValue = (): string => {
    const t = peek();
    if (t.kind === 'id') {
      pos++;
      return t.text;
    }
    // `k=` (empty value) is allowed: the value ends at a comma or the end.
    if (t.kind === 'end' || (t.kind === 'op' && t.text === ',')) return '';
    return fail(`found ${describe(t)}, expected: identifier`);
  };

  const readSet = (): string[] => {
    const open = next();
    if (open.kind !== 'op' || open.text !== '(') fail(`found ${describe(open)}, expected: '('`);
    const values: string[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === 'id') {
        values.push(t.text);
        pos++;
      } else {
        values.push('');
      }
      const sep = next();
      if (sep.kind === 'op' && sep.text === ')') return values;
      if (!(sep.kind === 'op' && sep.text === ',')) fail(`found ${describe(sep)}, expected: ',' or ')'`);
    }
  };

  if (peek().kind === 'end') return compile(requirements);
  for (;;) {
    let t = next();
    if (t.kind === 'op' && t.text === '!') {
      const key = next();
      if (key.kind !== 'id') fail(`found ${describe(key)}, expected: identifier after '!'`);
      requirements.push(requirement(key.text, 'doesnotexist', []));
    } else if (t.kind === 'id') {
      const key = t.text;
      const op = peek();
      if (op.kind === 'end' || (op.kind === 'op' && op.text === ',')) {
        requirements.push(requirement(key, 'exists', []));
      } else if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
        pos++;
        requirements.push(requirement(key, op.text, readSet()));
      } else if (op.kind === 'op' && (op.text === '=' || op.text === '==' || op.text === '!=')) {
        pos++;
        requirements.push(requirement(key, op.text === '!=' ? 'notequals' : 'equals', [readValue()]));
      } else if (op.kind === 'op' && (op.text === '>' || op.text === '<')) {
        pos++;
        requirements.push(requirement(key, op.text === '>' ? 'gt' : 'lt', [readValue()]));
      } else {
        fail(`found ${describe(op)}, expected: in, notin, =, ==, !=, gt, lt`);
      }
    } else {
      fail(`found ${describe(t)}, expected: !, identifier, or 'end of string'`);
    }
    t = next();
    if (t.kind === 'end') break;
    if (!(t.kind === 'op' && t.text === ',')) fail(`found ${describe(t)}, expected: ',' or 'end of string'`);
  }
  return compile(requirements);
}

// labels.NewRequirement: validates the key, the number of values and each value.
function requirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const keyProblem = labelKeyProblem(key);
  if (keyProblem) fail(`unable to parse requirement: key: Invalid value: "${key}": ${keyProblem}`);
  if ((operator === 'in' || operator === 'notin') && values.length === 0) {
    fail("unable to parse requirement: values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
  }
  if ((operator === 'equals' || operator === 'notequals') && values.length !== 1) {
    fail("unable to parse requirement: values: Invalid value: []: exact-match compatibility requires one single value");
  }
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1 || !/^[-+]?\d+$/.test(values[0])) {
      fail(`unable to parse requirement: values[0]: Invalid value: "${values[0] ?? ''}": for 'Gt', 'Lt' operators, the value must be an integer`);
    }
    return { key, operator, values };
  }
  values.forEach((v, i) => {
    const problem = labelValueProblem(v);
    if (problem) fail(`unable to parse requirement: values[${i}][${key}]: Invalid value: "${v}": ${problem}`);
  });
  return { key, operator, values };
}

function matchesOne(req: LabelRequirement, labels: StringMap | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.operator) {
    case 'equals':
    case 'in':
      return has && req.values.includes(value as string);
    case 'notequals':
    case 'notin':
      return !has || !req.values.includes(value as string);
    case 'exists':
      return has;
    case 'doesnotexist':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[-+]?\d+$/.test(value as string)) return false;
      const have = Number(value);
      const want = Number(req.values[0]);
      return req.operator === 'gt' ? have > want : have < want;
    }
  }
}

function compile(requirements: LabelRequirement[]): LabelSelector {
  return {
    requirements,
    isEverything: () => requirements.length === 0,
    matches: (labels) => requirements.every((r) => matchesOne(r, labels)),
  };
}
