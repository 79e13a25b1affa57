import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorDto } from './error.dto.js';

/** What each error status means in this API (SPEC §6), as the document says it. */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input; the message names the field',
  401: 'no token, or a bad or expired one',
  403: 'the role may not do this, the body would write outside the caller\'s area, or (LOA_REQUIRE_TOTP) a second factor must be enrolled first',
  404: 'unknown, or outside the caller\'s area',
  409: 'conflict or duplicate',
  413: 'too large',
  415: 'not a media type this route accepts',
  429: 'too many attempts; retry after the Retry-After header',
  503: 'temporarily unavailable; try again shortly',
};

/** A status, or a status with a richer error body (an ErrorDto subclass) and what it means here. */
export type ErrorSpec = number | { status: number; type?: Type<ErrorDto>; description?: string };

/**
 * Documents the error answers a route can give, each with the shared error schema:
 * `@ApiErrors(403, 404, { status: 409, type: DuplicateErrorDto })`. 400 (for routes with
 * parameters or a body), 401 (for routes behind a token), 403 (for @Roles routes) and 413 (for
 * routes with a JSON body) are added to the document for every route (see openapi-document.ts).
 */
export function ApiErrors(...specs: ErrorSpec[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...specs.map((spec) => {
      const { status, type = ErrorDto, description } = typeof spec === 'number' ? { status: spec } : spec;
      const content = { 'application/json': { schema: { $ref: getSchemaPath(type) } } };
      return applyDecorators(ApiExtraModels(type), ApiResponse({ status, description: description ?? ERROR_DESCRIPTIONS[status] ?? 'error', content }));
    }),
  );
}
