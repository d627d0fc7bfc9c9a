/**
 * zod, configured once for the whole program. Every schema module imports `z` from here (an
 * ESLint rule keeps it so), which guarantees this runs before any schema is built.
 *
 * `jitless`: by default zod compiles a parser with `new Function` the first time an object
 * schema parses. mrs-trust parses each reply shape a handful of times per run, so the compile
 * never pays back: a CPU profile of `link` showed ~25 ms of start-up spent in it, and the
 * interpreted parse gives the same results and messages. It also keeps `eval` out of the tool.
 *
 * `z` is the namespace of `src/zod-api.ts`: the members mrs-trust uses, not all of zod.
 */
import { config } from 'zod';

config({ jitless: true });

export * as z from './zod-api.js';
