import { RegistryError } from '@toolbox/contracts';
import { validateName } from './names.js';

/**
 * The run filter language, e.g. `metrics.accuracy > 0.9 and tags.team = "x"`:
 *
 *   expression := term ('or' term)*
 *   term       := factor ('and' factor)*
 *   factor     := 'not' factor | '(' expression ')' | field op value | field 'in' '(' value (',' value)* ')'
 *   field      := metrics.<name> | params.<name> | tags.<name> | [attributes.]<attribute>
 *   op         := = | != | < | <= | > | >= | like
 *   value      := number | "string" | 'string'
 *
 * The text is parsed into a tree and compiled to SQL whose every value is a bound
 * parameter and whose every identifier comes from a fixed list, so nothing the user
 * writes is ever concatenated into SQL; anything outside the grammar is a parse error.
 */
export type FilterValue = string | number;
export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'in';
export type FieldKind = 'metric' | 'param' | 'tag' | 'attribute';
export const ATTRIBUTES = ['status', 'name', 'run_id', 'experiment', 'start_time', 'end_time'] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

export interface Field {
  kind: FieldKind;
  key: string;
}

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'compare'; field: Field; op: Operator; value: FilterValue | FilterValue[] };

/** Longest filter text, in characters. */
export const MAX_FILTER_CHARS = 4_000;
const MAX_DEPTH = 32;

type Token =
  | { kind: 'word'; text: string; position: number }
  | { kind: 'number'; value: number; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'symbol'; text: string; position: number }
  | { kind: 'end'; position: number };

function fail(message: string, position: number, argument: string): never {
  throw new RegistryError(`${argument}: ${message} at position ${position}`, {
    details: { argument, position },
  });
}

function tokenize(text: string, argument: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const start = index;
    const rest = text.slice(index);
    const number = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
    const word = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(rest);
    const symbol = /^(?:<=|>=|!=|<>|==|=|<|>|\(|\)|,)/.exec(rest);
    if (number) {
      const value = Number(number[0]);
      if (!Number.isFinite(value)) fail(`number ${number[0]} is out of range`, start, argument);
      tokens.push({ kind: 'number', value, position: start });
      index += number[0].length;
    } else if (word) {
      tokens.push({ kind: 'word', text: word[0], position: start });
      index += word[0].length;
    } else if (symbol) {
      const normalized = symbol[0] === '<>' ? '!=' : symbol[0] === '==' ? '=' : symbol[0];
      tokens.push({ kind: 'symbol', text: normalized, position: start });
      index += symbol[0].length;
    } else if (char === '"' || char === "'") {
      let value = '';
      index++;
      for (;;) {
        if (index >= text.length) fail('unterminated string', start, argument);
        const next = text[index] as string;
        if (next === '\\' && index + 1 < text.length) {
          value += text[index + 1];
          index += 2;
        } else if (next === char) {
          index++;
          break;
        } else {
          value += next;
          index++;
        }
      }
      if (value.includes('\0')) fail('strings must not contain NUL bytes', start, argument);
      tokens.push({ kind: 'string', value, position: start });
    } else {
      fail(`unexpected character ${JSON.stringify(char)}`, start, argument);
    }
  }
  tokens.push({ kind: 'end', position: text.length });
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of filter';
    case 'number':
      return `number ${token.value}`;
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    default:
      return JSON.stringify(token.text);
  }
}

/** Parses `metrics.x` / `params.x` / `tags.x` / `[attributes.]status`; the field names are validated. */
export function parseField(text: string, position: number, argument: string): Field {
  const dot = text.indexOf('.');
  const prefix = (dot < 0 ? text : text.slice(0, dot)).toLowerCase();
  const key = dot < 0 ? '' : text.slice(dot + 1);
  const kinds: Record<string, FieldKind> = {
    metrics: 'metric',
    metric: 'metric',
    params: 'param',
    param: 'param',
    tags: 'tag',
    tag: 'tag',
  };
  const kind = kinds[prefix];
  if (kind) {
    try {
      validateName(key, `${prefix} key`);
    } catch (error) {
      fail((error as Error).message, position, argument);
    }
    return { kind, key };
  }
  const attribute = (prefix === 'attributes' || prefix === 'attribute' ? key : text).toLowerCase();
  if (!(ATTRIBUTES as readonly string[]).includes(attribute)) {
    fail(
      `unknown field ${JSON.stringify(text)} (use metrics.<name>, params.<name>, tags.<name> or one of ${ATTRIBUTES.join(', ')})`,
      position,
      argument,
    );
  }
  return { kind: 'attribute', key: attribute };
}

export function parseFilter(text: unknown, argument = 'filter'): FilterNode | undefined {
  if (text === undefined || text === null) return undefined;
  if (typeof text !== 'string') fail(`must be a string, got ${typeof text}`, 0, argument);
  if (text.length > MAX_FILTER_CHARS)
    fail(`must be at most ${MAX_FILTER_CHARS} characters, got ${text.length}`, 0, argument);
  if (text.trim() === '') return undefined;
  const tokens = tokenize(text, argument);
  let index = 0;
  const peek = (): Token => tokens[index] as Token;
  const isWord = (token: Token, word: string): boolean =>
    token.kind === 'word' && token.text.toLowerCase() === word;
  const isSymbol = (token: Token, symbol: string): boolean =>
    token.kind === 'symbol' && token.text === symbol;

  const value = (): FilterValue => {
    const token = peek();
    if (token.kind === 'number' || token.kind === 'string') {
      index++;
      return token.value;
    }
    return fail(`expected a number or a quoted string, got ${describe(token)}`, token.position, argument);
  };

  const factor = (depth: number): FilterNode => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`, peek().position, argument);
    const token = peek();
    if (isWord(token, 'not')) {
      index++;
      return { type: 'not', operand: factor(depth + 1) };
    }
    if (isSymbol(token, '(')) {
      index++;
      const inner = expression(depth + 1);
      const close = peek();
      if (!isSymbol(close, ')')) fail(`expected ")", got ${describe(close)}`, close.position, argument);
      index++;
      return inner;
    }
    if (token.kind !== 'word')
      fail(`expected a field such as metrics.accuracy, got ${describe(token)}`, token.position, argument);
    index++;
    const field = parseField(token.text, token.position, argument);
    const operator = peek();
    if (isWord(operator, 'in')) {
      index++;
      if (!isSymbol(peek(), '('))
        fail(`expected "(" after in, got ${describe(peek())}`, peek().position, argument);
      index++;
      const values: FilterValue[] = [value()];
      while (isSymbol(peek(), ',')) {
        index++;
        values.push(value());
        if (values.length > 1_000) fail('at most 1000 values in a list', peek().position, argument);
      }
      if (!isSymbol(peek(), ')'))
        fail(`expected "," or ")", got ${describe(peek())}`, peek().position, argument);
      index++;
      return { type: 'compare', field, op: 'in', value: values };
    }
    let op: Operator;
    if (isWord(operator, 'like')) op = 'like';
    else if (operator.kind === 'symbol' && ['=', '!=', '<', '<=', '>', '>='].includes(operator.text))
      op = operator.text as Operator;
    else
      return fail(
        `expected a comparison operator after ${token.text}, got ${describe(operator)}`,
        operator.position,
        argument,
      );
    index++;
    const operand = value();
    return { type: 'compare', field, op, value: operand };
  };

  const term = (depth: number): FilterNode => {
    let left = factor(depth);
    while (isWord(peek(), 'and')) {
      index++;
      left = { type: 'and', left, right: factor(depth) };
    }
    return left;
  };

  const expression = (depth: number): FilterNode => {
    let left = term(depth);
    while (isWord(peek(), 'or')) {
      index++;
      left = { type: 'or', left, right: term(depth) };
    }
    return left;
  };

  const tree = expression(0);
  const last = peek();
  if (last.kind !== 'end')
    fail(`unexpected ${describe(last)}; join conditions with "and" or "or"`, last.position, argument);
  return tree;
}

export interface CompiledSql {
  sql: string;
  params: (string | number)[];
}

const TIME_ATTRIBUTES = new Set<string>(['start_time', 'end_time']);
const ATTRIBUTE_COLUMNS: Record<Attribute, string> = {
  status: 'r.status',
  name: 'r.name',
  run_id: 'r.id',
  experiment: 'e.name',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};

/** Compiles a parsed filter over `runs r JOIN experiments e`; the SQL text holds only fixed fragments and `?`. */
export function compileRunFilter(node: FilterNode, argument = 'filter'): CompiledSql {
  switch (node.type) {
    case 'and':
    case 'or': {
      const left = compileRunFilter(node.left, argument);
      const right = compileRunFilter(node.right, argument);
      return {
        sql: `(${left.sql} ${node.type.toUpperCase()} ${right.sql})`,
        params: [...left.params, ...right.params],
      };
    }
    case 'not': {
      const operand = compileRunFilter(node.operand, argument);
      return { sql: `(NOT ${operand.sql})`, params: operand.params };
    }
    case 'compare':
      return compileComparison(node, argument);
  }
}

function compileComparison(node: Extract<FilterNode, { type: 'compare' }>, argument: string): CompiledSql {
  const { field, op } = node;
  const values = Array.isArray(node.value) ? node.value : [node.value];
  const numeric = values.every((value) => typeof value === 'number');
  const textual = values.every((value) => typeof value === 'string');
  const label = field.kind === 'attribute' ? field.key : `${field.kind}s.${field.key}`;
  if (!numeric && !textual)
    fail(`the values compared with ${label} must be all numbers or all strings`, 0, argument);
  if (op === 'like' && !textual) fail(`like needs a string pattern for ${label}`, 0, argument);
  if ((field.kind === 'metric' || TIME_ATTRIBUTES.has(field.key)) && !numeric) {
    fail(`${label} is a number; compare it with a number`, 0, argument);
  }
  if (field.kind === 'attribute' && !TIME_ATTRIBUTES.has(field.key) && !textual) {
    fail(`${label} is text; compare it with a quoted string`, 0, argument);
  }
  const sqlOperator = op === 'like' ? 'LIKE' : op === 'in' ? 'IN' : op;
  const placeholder = op === 'in' ? `(${values.map(() => '?').join(', ')})` : '?';
  if (field.kind === 'attribute') {
    const column = ATTRIBUTE_COLUMNS[field.key as Attribute];
    return { sql: `(${column} ${sqlOperator} ${placeholder})`, params: values };
  }
  const table =
    field.kind === 'metric' ? 'run_latest_metrics' : field.kind === 'param' ? 'run_params' : 'run_tags';
  // Parameters and tags are text; a numeric comparison casts the stored text.
  const column = field.kind !== 'metric' && numeric ? 'CAST(f.value AS REAL)' : 'f.value';
  // `r.id IN (...)` rather than a correlated EXISTS: SQLite can drive it from the (key, value) index.
  return {
    sql: `r.id IN (SELECT f.run_id FROM ${table} f WHERE f.key = ? AND ${column} ${sqlOperator} ${placeholder})`,
    params: [field.key, ...values],
  };
}

/** `orderBy` entries such as `metrics.accuracy DESC`, `start_time`, `params.lr asc`. */
export function compileRunOrder(orderBy: unknown, argument = 'orderBy'): CompiledSql {
  const entries = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
  if (entries.length > 8) fail(`at most 8 entries, got ${entries.length}`, 0, argument);
  const parts: string[] = [];
  const params: (string | number)[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string')
      fail(`entries must be strings such as "metrics.accuracy DESC", got ${typeof entry}`, 0, argument);
    const match = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)(?:\s+(asc|desc))?\s*$/i.exec(entry);
    if (!match) fail(`${JSON.stringify(entry.slice(0, 80))} is not "<field> [ASC|DESC]"`, 0, argument);
    const field = parseField(match[1] as string, 0, argument);
    const direction = (match[2] ?? 'asc').toUpperCase();
    if (field.kind === 'attribute') {
      parts.push(`${ATTRIBUTE_COLUMNS[field.key as Attribute]} ${direction} NULLS LAST`);
    } else {
      const table =
        field.kind === 'metric' ? 'run_latest_metrics' : field.kind === 'param' ? 'run_params' : 'run_tags';
      parts.push(
        `(SELECT o.value FROM ${table} o WHERE o.run_id = r.id AND o.key = ?) ${direction} NULLS LAST`,
      );
      params.push(field.key);
    }
  }
  parts.push('r.start_time DESC', 'r.id ASC');
  return { sql: parts.join(', '), params };
}
