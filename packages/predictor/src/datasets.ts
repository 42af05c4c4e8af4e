/**
 * `@toolbox/predictor/datasets`: the five small public datasets shipped with the
 * package (see `datasets/README.md` for sources and licences), parsed into a
 * `DenseMatrix` and a target vector. Node-only (reads files beside the package).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';

export const DATASET_NAMES = ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface Dataset {
  name: string;
  /** Feature column names, from the CSV header. */
  featureNames: string[];
  X: DenseMatrix;
  /** Class labels (0, 1, ...) or the regression target. */
  y: Float64Array;
  task: 'classification' | 'regression';
}

/**
 * Parses a numeric CSV with a header row whose last column is the target
 * (the format of the shipped files).
 */
export function parseDatasetCsv(text: string, name = 'csv'): Omit<Dataset, 'task'> {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  if (header.length < 2) {
    throw new InvalidInputError(`${name} needs a header with at least one feature and a target column`, {
      details: { argument: name },
    });
  }
  const cols = header.length - 1;
  const rows = lines.length - 1;
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const cells = (lines[i + 1] as string).split(',');
    if (cells.length !== header.length) {
      throw new InvalidInputError(
        `${name} line ${i + 2} has ${cells.length} fields, expected ${header.length}`,
        {
          details: { argument: name, line: i + 2 },
        },
      );
    }
    for (let j = 0; j <= cols; j++) {
      const cell = cells[j] as string;
      const value = cell === '' ? Number.NaN : Number(cell);
      if (cell !== '' && Number.isNaN(value)) {
        throw new InvalidInputError(`${name} line ${i + 2}, column ${j + 1} is not a number: '${cell}'`, {
          details: { argument: name, line: i + 2, column: j + 1 },
        });
      }
      if (j < cols) data[i * cols + j] = value;
      else y[i] = value;
    }
  }
  return { name, featureNames: header.slice(0, cols), X: { rows, cols, data }, y };
}

/** Loads one of the shipped datasets (synchronously; the largest is 264 kB). */
export function loadDataset(name: DatasetName): Dataset {
  if (!DATASET_NAMES.includes(name)) {
    throw new InvalidInputError(
      `name must be one of ${DATASET_NAMES.join(', ')}, got ${JSON.stringify(name)}`,
      { details: { argument: 'name', value: name } },
    );
  }
  // This file sits one level below the package root both as src/ and as dist/.
  const path = fileURLToPath(new URL(`../datasets/${name}.csv`, import.meta.url));
  const parsed = parseDatasetCsv(readFileSync(path, 'utf8'), name);
  return { ...parsed, task: name === 'diabetes' ? 'regression' : 'classification' };
}
