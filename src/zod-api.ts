/**
 * The part of zod that mrs-trust uses, named one by one: the bundle then leaves the rest out (JSON
 * Schema import, codecs, ISO formats, coercion…: ~145 of the 300 KB that the whole `z` namespace
 * brings, measured with esbuild). Each kilobyte is decoded and compiled at every start of the
 * CLI. Reached only through `src/zod.ts` (`z.object`, `z.infer<…>` as before).
 */
export { array, boolean, config, discriminatedUnion, enum, literal, looseObject, NEVER, number, object, record, strictObject, string, toJSONSchema, tuple, union, unknown, ZodError } from 'zod';
export type { core, infer, input, output, ZodRawShape, ZodType } from 'zod';
