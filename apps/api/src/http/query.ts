import { ValidationError } from '@tandem/domain';

/** Parses an optional whole-number query parameter, or answers 422 naming it. */
export function optionalInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,9}$/.test(value))
    throw new ValidationError(`${name} must be a whole number`, [{ field: name, message: 'must be a whole number' }]);
  return Number(value);
}
