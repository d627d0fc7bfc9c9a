/**
 * How `ssh trust` marks what it adds (defined in `src/domain/ssh-trust.ts`): the doctor
 * re-adds only keys that carry these marks, so it never adds a key this tool did not manage.
 */
export { GENERATED_PREFIX, MARK_FROM, MARK_HOST } from '../ssh-trust.js';
