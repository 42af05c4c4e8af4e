import { describe, expect, it } from 'vitest';
import { DATASET_NAMES, loadDataset, parseDatasetCsv } from './datasets.js';

describe('datasets', () => {
  it('loads the five shipped datasets with their documented shapes', () => {
    const shapes = DATASET_NAMES.map((name) => {
      const { X, y, featureNames } = loadDataset(name);
      expect(featureNames).toHaveLength(X.cols);
      expect(y).toHaveLength(X.rows);
      return [name, X.rows, X.cols, new Set(y).size];
    });
    expect(shapes).toEqual([
      ['iris', 150, 4, 3],
      ['wine', 178, 13, 3],
      ['breast_cancer', 569, 30, 2],
      ['digits', 1797, 64, 10],
      ['diabetes', 442, 10, 214],
    ]);
    expect(loadDataset('diabetes').task).toBe('regression');
  });

  it('parses empty cells as NaN and rejects malformed rows', () => {
    const parsed = parseDatasetCsv('a,b,target\n1,,0\n2,3,1\n');
    expect(Number.isNaN(parsed.X.data[1])).toBe(true);
    expect(() => parseDatasetCsv('a,target\n1,2,3\n', 'bad')).toThrow('bad line 2 has 3 fields, expected 2');
    expect(() => loadDataset('mnist' as 'iris')).toThrow('name must be one of');
  });
});
