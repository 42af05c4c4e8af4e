export declare function engineerRow(row: number[]): number[];
