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
    message: plainMessage(issue),
  }));
  throw new ValidationError(
    `the request is invalid: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`.slice(0, 500),
    details,
  );
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'yes or no (true or false)',
  array: 'a list',
  object: 'a group of fields',
  date: 'a date',
};

/** A zod issue in plain words ("must be at least 1", "must be a number"); custom messages are kept as written. */
export function plainMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field(s): ${issue.keys.join(', ')}`;
    case 'invalid_type':
      // A field refused by name (z.never) carries its own message, such as the name to use instead.
      if (issue.expected === 'never') return issue.message;
      if ((issue as { input?: unknown }).input === undefined && /received undefined/.test(issue.message))
        return 'is required';
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string') return n <= 1 ? 'cannot be empty' : `must be at least ${n} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `needs at least ${n} ${n === 1 ? 'entry' : 'entries'}`;
      return issue.inclusive === false ? `must be more than ${n}` : `must be at least ${n}`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${n} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set') return `can have at most ${n} entries`;
      return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
    }
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'email') return 'must be an email address';
      return issue.format === 'regex' && !/^Invalid/.test(issue.message)
        ? issue.message
        : `is not a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}
