/** The task the server maps once at start so that its worker threads are up before `/ready` says so. */
export function ping(value: number): number {
  return value;
}
