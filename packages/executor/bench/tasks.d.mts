export declare function spin(iterations: number): number;
export declare function addOne(x: number): number;
export declare function sum(array: ArrayLike<number>): number;
