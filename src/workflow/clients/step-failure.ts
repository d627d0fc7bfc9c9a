/** A failure that names its own step (one session answers for several of the documented steps). */
export class StepFailure {
  constructor(
    readonly step: string,
    readonly phase: 'prepare' | 'apply',
    readonly error: unknown,
  ) {}
}
