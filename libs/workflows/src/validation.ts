import { ValidationError } from '@tandem/domain';
import type { z } from 'zod';

/** One problem in a request body, located by its path (`policy.weights.skills`). */
export interface FieldError {
  field: string;
  message: string;
}

/** Validates a command object; throws a ValidationError listing every problem. */
export function parseCommand<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details: FieldError[] = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  throw new ValidationError(`the request is invalid: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`.slice(0, 500), details);
}
