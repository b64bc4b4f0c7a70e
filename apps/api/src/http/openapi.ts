import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * The OpenAPI description of a request body, generated from the zod schema that validates it, so the document and
 * the validation cannot disagree. Refinements JSON Schema cannot express (an address check, a duration's range) are
 * left to the validation; the field's description says them where it matters.
 */
export function BodyFrom(schema: z.ZodType): MethodDecorator {
  return ApiBody({ schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as object });
}
