import { type DenseMatrix, InvalidInputError } from '@toolbox/contracts';

/** Sorted distinct values of each selected column. */
export function learnCategories(X: DenseMatrix, columns: readonly number[]): number[][] {
  return columns.map((j) => {
    const seen = new Set<number>();
    for (let i = 0; i < X.rows; i++) seen.add(X.data[i * X.cols + j] as number);
    return Array.from(seen).sort((a, b) => a - b);
  });
}

export function categoryMaps(categories: readonly number[][]): Map<number, number>[] {
  return categories.map((values) => new Map(values.map((v, k) => [v, k])));
}

export function unknownCategory(
  owner: string,
  row: number,
  col: number,
  value: number,
  known: readonly number[],
): InvalidInputError {
  const shown = known.length > 10 ? `${known.slice(0, 10).join(', ')}, ...` : known.join(', ');
  return new InvalidInputError(
    `X[${row}][${col}] = ${value} is a category ${owner} did not see in fit (known: ${shown}); set options.handleUnknown to accept it`,
    { details: { argument: 'X', row, col, value } },
  );
}
