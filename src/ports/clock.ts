/** Time, injected so the workflow and the domain never read the wall clock themselves. */
export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
