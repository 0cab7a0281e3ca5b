/**
 * zod validation for every input, answering 400 through the one error path with a reason that
 * names the parameter. Routes read inputs only through `c.req.valid(...)`.
 *
 * Query strings and path parameters are validated by a synchronous middleware of our own: Hono's
 * `validator` (under @hono/zod-validator) first reads the Content-Type header, which under
 * @hono/node-server builds a WHATWG Headers object from all request headers, and then parses
 * with `safeParseAsync`; together about a tenth of the CPU time of a cached /api/goals answer.
 * Bodies, forms and headers still go through @hono/zod-validator.
 */
import { zValidator } from '@hono/zod-validator';
import type { Env, MiddlewareHandler, ValidationTargets } from 'hono';
import type { InferInput } from 'hono/validator';
import { ZodObject, type z } from 'zod';
import { ApiError } from '../errors.js';
import { describeZodError } from './errors.js';

const WHERE: Record<keyof ValidationTargets, string> = {
  query: 'query parameter',
  param: 'path parameter',
  json: 'JSON body',
  form: 'form field',
  header: 'header',
  cookie: 'cookie',
};

type HasUndefined<T> = undefined extends T ? true : false;

/** The input/output types a validator declares for Hono's RPC client (as hono/validator does). */
type ValidatedInput<Target extends keyof ValidationTargets, In, Out> = {
  in: HasUndefined<In> extends true
    ? { [K in Target]?: [In] extends [ValidationTargets[K]] ? In : InferInput<In, K> }
    : { [K in Target]: [In] extends [ValidationTargets[K]] ? In : InferInput<In, K> };
  out: { [K in Target]: Out };
};

function fail(target: keyof ValidationTargets, error: Parameters<typeof describeZodError>[1]): never {
  throw new ApiError(400, 'bad_request', describeZodError(WHERE[target], error));
}

/**
 * The keys a query schema knows, or null when it takes any (a `z.looseObject`, such as the
 * identity provider's callback). A key the schema does not know is refused rather than ignored:
 * `?regoin=01062` would otherwise answer with the default region's figures as if they were asked for.
 */
function knownKeysOf(schema: z.ZodType): ReadonlySet<string> | null {
  if (!(schema instanceof ZodObject) || schema._zod.def.catchall !== undefined) return null;
  return new Set(Object.keys(schema.shape));
}

function failUnknown(key: string, known: ReadonlySet<string>): never {
  const list = [...known].join(', ');
  throw new ApiError(
    400,
    'bad_request',
    `Invalid query parameter: ${key.slice(0, 100)}: unknown parameter (${list === '' ? 'this endpoint takes none' : `known: ${list}`})`,
  );
}

/** Query and path schemas are objects; anything else is a programming error in the route. */
function asObject(data: unknown): object {
  if (typeof data !== 'object' || data === null)
    throw new TypeError('validate: schema must produce an object');
  return data;
}

export function validate<T extends z.ZodType, Target extends 'query' | 'param', E extends Env = Env>(
  target: Target,
  schema: T,
): MiddlewareHandler<E, string, ValidatedInput<Target, z.input<T>, z.output<T>>>;
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
): ReturnType<typeof zodValidate<T, Target>>;
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  if (target === 'query') {
    const known = knownKeysOf(schema);
    const mw: MiddlewareHandler = async (c, next) => {
      // The same shape as hono/validator: a repeated key becomes an array.
      const value: Record<string, string | string[]> = {};
      const all = c.req.queries();
      for (const key in all) {
        const v = all[key];
        if (known !== null && !known.has(key)) failUnknown(key, known);
        if (v !== undefined) value[key] = v.length === 1 ? (v[0] ?? '') : v;
      }
      const result = schema.safeParse(value);
      if (!result.success) fail(target, result.error);
      c.req.addValidatedData('query', asObject(result.data));
      await next();
    };
    return mw;
  }
  if (target === 'param') {
    const mw: MiddlewareHandler = async (c, next) => {
      const result = schema.safeParse(c.req.param());
      if (!result.success) fail(target, result.error);
      c.req.addValidatedData('param', asObject(result.data));
      await next();
    };
    return mw;
  }
  return zodValidate(target, schema);
}

/** application/json, or a JSON type with a suffix (application/merge-patch+json), any parameters. */
const JSON_TYPE = /^application\/(?:[\w.!#$&^-]+\+)?json\s*(?:;|$)/i;

/**
 * The path of the first string in a JSON value that holds a NUL character, or null. PostgreSQL
 * refuses NUL in text (a 500 at the insert), and no text of this product has one, so a JSON body
 * with NUL in any string, key or value, is refused whatever its schema lets through.
 */
export function nulPathOf(value: unknown, path: readonly PropertyKey[] = []): PropertyKey[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? [...path] : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key];
    const found = nulPathOf(v, [...path, Array.isArray(value) ? Number(key) : key]);
    if (found) return found;
  }
  return null;
}

function zodValidate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) {
      const nul = target === 'json' ? nulPathOf(result.data) : null;
      if (nul) fail(target, { issues: [{ path: nul, message: 'must not contain NUL characters' }] });
      return;
    }
    // Hono's validator reads a body of another type as `{}`: the reason would be a missing field
    // (a route that also takes a form, POST /api/imports, is valid with `{}` and never gets here).
    const type = c.req.header('content-type') ?? '';
    if (target === 'json' && !JSON_TYPE.test(type)) {
      throw new ApiError(
        400,
        'bad_request',
        `Send the body as JSON with "Content-Type: application/json" (got ${type === '' ? 'no Content-Type' : JSON.stringify(type.slice(0, 100))})`,
      );
    }
    fail(target, result.error);
  });
}
