import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ApiErrors } from './api-errors.js';

const binary = { schema: { type: 'string', format: 'binary' } } as const;
const header = (description: string) => ({ description, schema: { type: 'string' } });

/**
 * A file served with HTTP Range and validators (src/storage): 200 whole, 206 one range, 304 not
 * modified (If-None-Match / If-Modified-Since), 416 an unsatisfiable range, 404 no such file.
 */
export function ApiAudioResponses(): MethodDecorator {
  return applyDecorators(
    ApiResponse({
      status: 200,
      description: 'the broadcast rendition: mono 44.1 kHz MP3 at -16 LUFS',
      content: { 'audio/mpeg': binary },
      headers: { 'Accept-Ranges': header('bytes'), ETag: header('validator for If-None-Match / If-Range'), 'Last-Modified': header('HTTP date') },
    }),
    ApiResponse({
      status: 206,
      description: 'the requested byte range (Range: bytes=...)',
      content: { 'audio/mpeg': binary },
      headers: { 'Content-Range': header('bytes start-end/size'), ETag: header('validator for If-Range') },
    }),
    ApiResponse({ status: 304, description: 'not modified since the validator the client sent' }),
    ApiErrors(404, { status: 416, description: 'range not satisfiable (Content-Range: bytes */size)' }),
  );
}

/** A plain-text answer, e.g. Prometheus metrics. */
export function ApiTextResponse(mediaType: string, description: string): MethodDecorator {
  return applyDecorators(ApiResponse({ status: 200, description, content: { [mediaType]: { schema: { type: 'string' } } } }));
}
