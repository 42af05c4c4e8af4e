import type { RegistryContext } from './_context.js';
import { pickVariant, routingTable } from './_routing.js';
import { requireModel } from './_rows.js';
import { refuse, validateNumber } from './_validate.js';
import { validateName } from './names.js';
import type { RouteOptions, RouteResult, VariantStats } from './types.js';

/**
 * A/B routing state of one registry: route counters are kept in memory and written in
 * one transaction every `flushEvery` calls (and on `stats`/`flush`/`close`), so routing
 * costs a read, not a durable write; outcomes are written at once.
 */
export interface AbRouter {
  route(name: unknown, key: unknown, options: RouteOptions): RouteResult;
  recordOutcome(name: unknown, variant: unknown, value: unknown, options?: { metric?: string }): void;
  stats(name: unknown): VariantStats[];
  flush(): void;
}

export function createAbRouter(context: RegistryContext, flushEvery: number): AbRouter {
  const pending = new Map<string, { modelId: number; variant: string; count: number }>();
  let pendingTotal = 0;

  const flush = (): void => {
    if (pendingTotal === 0) return;
    const entries = [...pending.values()];
    context.write(() => {
      for (const entry of entries) {
        context
          .statement(
            'INSERT INTO ab_variants (model_id, variant, routed) VALUES (?, ?, ?) ON CONFLICT (model_id, variant) DO UPDATE SET routed = routed + excluded.routed',
          )
          .run(entry.modelId, entry.variant, entry.count);
      }
    });
    pending.clear();
    pendingTotal = 0;
  };

  return {
    route(name, key, options) {
      const model = requireModel(context, name);
      if (typeof key !== 'string' && typeof key !== 'number')
        refuse(`key must be a string or number, got ${typeof key}`, { argument: 'key' });
      const text = String(key);
      if (text.length > 4096)
        refuse(`key must be at most 4096 characters, got ${text.length}`, { argument: 'key' });
      if (typeof options !== 'object' || options === null)
        refuse('options.aliases is required, e.g. { aliases: { champion: 0.9, challenger: 0.1 } }', {});
      const table = routingTable(options.aliases, 'options.aliases');
      const variant = pickVariant(table, model.name, text);
      const target = context
        .statement(
          'SELECT v.version FROM aliases a JOIN versions v ON v.id = a.version_id WHERE a.model_id = ? AND a.alias = ?',
        )
        .get(model.id, variant) as { version: string } | undefined;
      if (!target)
        refuse(`model ${JSON.stringify(model.name)} has no alias ${JSON.stringify(variant)} to route to`, {
          model: model.name,
          alias: variant,
          reason: 'conflict',
        });
      const counterKey = `${model.id}\0${variant}`;
      const counter = pending.get(counterKey);
      if (counter) counter.count++;
      else pending.set(counterKey, { modelId: model.id, variant, count: 1 });
      if (++pendingTotal >= flushEvery) flush();
      return { variant, version: target.version };
    },

    recordOutcome(name, variant, value, options = {}) {
      const model = requireModel(context, name);
      const checkedVariant = validateName(variant, 'variant');
      const metric = validateName(options.metric ?? 'outcome', 'options.metric');
      const number = validateNumber(value, 'value');
      context.write(() => {
        context
          .statement(
            `INSERT INTO ab_outcomes (model_id, variant, metric, count, sum, sum_squares) VALUES (?, ?, ?, 1, ?, ?)
             ON CONFLICT (model_id, variant, metric) DO UPDATE SET count = count + 1, sum = sum + excluded.sum, sum_squares = sum_squares + excluded.sum_squares`,
          )
          .run(model.id, checkedVariant, metric, number, number * number);
      });
    },

    stats(name) {
      const model = requireModel(context, name);
      flush();
      const byVariant = new Map<string, VariantStats>();
      const entry = (variant: string): VariantStats => {
        let stats = byVariant.get(variant);
        if (!stats) {
          stats = { variant, routed: 0, outcomes: {} };
          byVariant.set(variant, stats);
        }
        return stats;
      };
      for (const row of context
        .statement('SELECT variant, routed FROM ab_variants WHERE model_id = ?')
        .all(model.id) as { variant: string; routed: number }[]) {
        entry(row.variant).routed = row.routed;
      }
      for (const row of context
        .statement('SELECT variant, metric, count, sum, sum_squares FROM ab_outcomes WHERE model_id = ?')
        .all(model.id) as {
        variant: string;
        metric: string;
        count: number;
        sum: number;
        sum_squares: number;
      }[]) {
        const mean = row.sum / row.count;
        const variance =
          row.count > 1 ? Math.max(0, (row.sum_squares - row.count * mean * mean) / (row.count - 1)) : 0;
        entry(row.variant).outcomes[row.metric] = { count: row.count, mean, std: Math.sqrt(variance) };
      }
      return [...byVariant.values()].sort((a, b) => (a.variant < b.variant ? -1 : 1));
    },

    flush,
  };
}
