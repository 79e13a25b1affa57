import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';

/** A request without a body is validated as an empty one: `{}` (a PATCH that changes nothing, or 400 naming what is missing). */
class InputPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return super.transform(metadata.type === 'body' && value === undefined ? {} : value, metadata);
  }
}

/**
 * The one input policy, for JSON bodies and queries (global pipe) and for the fields of multipart
 * uploads (validated by hand once the file is on disk): unknown fields are refused, values are
 * converted to the DTO's types.
 */
export const validationPipe = (): ValidationPipe => new InputPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
