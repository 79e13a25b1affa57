import { ValidationPipe } from '@nestjs/common';

/**
 * The one input policy, for JSON bodies and queries (global pipe) and for the fields of multipart
 * uploads (validated by hand once the file is on disk): unknown fields are refused, values are
 * converted to the DTO's types.
 */
export const validationPipe = (): ValidationPipe => new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
