import { describe, expect, it } from 'vitest';
import { sampleDashboard } from './fixtures/sample-dashboard.js';
import { renderDashboard } from './render-dashboard.js';

describe('renderDashboard', () => {
  it('renders every chart with its series count, escaping text', () => {
    const html = renderDashboard(sampleDashboard);
    const charts = [...html.matchAll(/data-chart="(\w+)" data-series="(\d+)"/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    // leaderboard bars, plan bars, loss line, confusion heatmap, ROC line, importance bars, resources line, cache bars
    expect(charts).toEqual(['bar:2', 'bar:3', 'line:1', 'heatmap:3', 'line:1', 'bar:2', 'line:2', 'bar:1']);
    expect(html).toContain('Test &#60;CPU&#62; &#38; co');
    expect(html).toContain('<td>production</td><td>champion</td>');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('adds the live script only in live mode', () => {
    expect(renderDashboard(sampleDashboard, { live: true })).toContain("new EventSource('/events')");
  });

  it('omits sections with no data', () => {
    const html = renderDashboard({
      ...sampleDashboard,
      lossCurves: [],
      confusion: undefined,
      roc: undefined,
      featureImportance: undefined,
      plan: undefined,
      resources: [],
      cache: [],
      registry: { model: 'x', versions: [] },
    });
    expect([...html.matchAll(/data-chart=/g)]).toHaveLength(1);
    expect(html).not.toContain('Model registry');
  });
});
