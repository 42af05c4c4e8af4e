export declare const HARMONICS: number;
export declare function features(row: readonly number[]): number[];
