/**
 * How `ssh trust` marks what it adds (see `src/domain/ssh-trust.ts` once landed): the doctor
 * re-adds only keys that carry these marks, so it never adds a key this tool did not manage.
 */
export const MARK_FROM = 'mrs-trust:from=';
export const GENERATED_PREFIX = 'mrs-trust:generated=';
export const MARK_HOST = 'mrs-trust:host=';
