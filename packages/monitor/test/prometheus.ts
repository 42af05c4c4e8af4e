/**
 * A strict checker of the Prometheus text exposition format 0.0.4 (the subset a
 * client emits): HELP/TYPE once per family and before its samples, samples of a family
 * contiguous, valid names, properly escaped label values, float values, trailing newline.
 * Returns the parsed samples; throws with the offending line otherwise.
 */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const VALUE = '(?:[+-]?(?:\\d+\\.?\\d*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?)|NaN|[+-]Inf)';
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL}=${LABEL_VALUE})(?:,${LABEL}=${LABEL_VALUE})*)?\\})? (${VALUE})$`,
);
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|summary|histogram|untyped)$`);
const LABEL_PAIR = new RegExp(`(${LABEL})=(${LABEL_VALUE})`, 'g');

function familyOf(name: string, types: Map<string, string>): string {
  for (const suffix of ['_sum', '_count', '_bucket']) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && ['summary', 'histogram'].includes(types.get(base) ?? '')) return base;
  }
  return name;
}

function unescapeLabelValue(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(["\\n])/g, (_, char: string) => (char === 'n' ? '\n' : char));
}

export function parsePrometheus(text: string): ParsedSample[] {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const finished = new Set<string>();
  const samples: ParsedSample[] = [];
  let current: string | undefined;
  for (const line of text.split('\n').slice(0, -1)) {
    const help = HELP.exec(line);
    const type = TYPE.exec(line);
    if (help) {
      const name = help[1] as string;
      if (helps.has(name) || finished.has(name)) throw new Error(`second HELP for ${name}: ${line}`);
      helps.add(name);
      continue;
    }
    if (type) {
      const name = type[1] as string;
      if (types.has(name) || finished.has(name)) throw new Error(`second TYPE for ${name}: ${line}`);
      types.set(name, type[2] as string);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a valid sample line: ${JSON.stringify(line)}`);
    const name = sample[1] as string;
    const family = familyOf(name, types);
    if (family !== current) {
      if (current !== undefined) finished.add(current);
      if (finished.has(family)) throw new Error(`samples of ${family} are not contiguous: ${line}`);
      current = family;
    }
    if (!types.has(family)) throw new Error(`sample before its TYPE line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, label, value] of (sample[2] ?? '').matchAll(LABEL_PAIR)) {
      if ((label as string) in labels) throw new Error(`duplicate label ${label}: ${line}`);
      labels[label as string] = unescapeLabelValue(value as string);
    }
    if (types.get(family) === 'summary' && name === family && !('quantile' in labels))
      throw new Error(`summary sample without quantile: ${line}`);
    const raw = sample[3] as string;
    const value =
      raw === 'NaN' ? Number.NaN : raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name, labels, value });
  }
  return samples;
}
