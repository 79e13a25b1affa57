import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TooManyAttemptsException } from './password-attempts.js';

/** 429s of the attempt limit say when to try again, in the header clients and proxies read. */
@Catch(TooManyAttemptsException)
export class RetryAfterFilter implements ExceptionFilter<TooManyAttemptsException> {
  catch(exception: TooManyAttemptsException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.header('Retry-After', String(exception.retryAfterSec)).status(exception.getStatus()).send(exception.getResponse());
  }
}
