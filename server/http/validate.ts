/**
 * zod validation for every input, answering 400 through the one error path with a reason that
 * names the parameter. Routes read inputs only through `c.req.valid(...)`.
 */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
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

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new ApiError(400, 'bad_request', describeZodError(WHERE[target], result.error));
    }
  });
}
