import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One compiler for every schema: the same policy as the validation pipe (unknown fields refused, nothing coerced). */
const ajv = addFormats.default(new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false }), ['uuid', 'date-time']);

/**
 * Validates a body against a JSON schema compiled once, answering 400 with a message naming the
 * field like the class-validator DTOs do. For bodies too large for per-object decorators: a batch
 * of 500 device receipts validates in microseconds instead of milliseconds.
 */
export class JsonSchemaPipe<T> implements PipeTransform<unknown, T> {
  private readonly validate: ValidateFunction<T>;

  constructor(schema: JSONSchemaType<T>, private readonly messages: FormatMessages = {}) {
    this.validate = ajv.compile(schema);
  }

  transform(value: unknown): T {
    if (this.validate(value)) return value;
    throw new BadRequestException((this.validate.errors ?? []).map((error) => describe(error, this.messages)));
  }
}

/** What a value failing a string format must be, e.g. `{ uuid: 'a UUID' }`. */
export type FormatMessages = Record<string, string>;

function describe(error: ErrorObject, formats: FormatMessages): string {
  const at = error.instancePath.slice(1).replaceAll('/', '.') || 'body';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at === 'body' ? '' : `${at}.`}${String(params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${at === 'body' ? '' : `${at}.`}${String(params.additionalProperty)} should not exist`;
    case 'enum':
      return `${at} must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'format':
      return `${at} must be ${formats[String(params.format)] ?? `a valid ${String(params.format)}`}`;
    case 'minItems':
      return `${at} must hold at least ${Number(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'maxLength':
      return `${at} must be at most ${Number(params.limit)} characters`;
    default:
      return `${at} ${error.message ?? 'is invalid'}`;
  }
}
