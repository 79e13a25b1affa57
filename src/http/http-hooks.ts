import type { FastifyInstance } from 'fastify';
import { requestContext } from '../common/request-context.js';
import type { MetricsService } from '../ops/metrics.service.js';
import { drainRefusedBodies } from './refused-bodies.js';

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Per-request plumbing, as Fastify hooks on every route: the request context that names the actor
 * on the audit trail (only where something can be written: polls need none), and the latency
 * metric; multipart bodies left unread; and the bodies of refused requests drained (refused-bodies.ts).
 */
export function installHttpHooks(fastify: FastifyInstance, metrics: MetricsService): void {
  // Uploads stay a stream for the segments service to write to disk as they arrive (busboy), never buffered.
  fastify.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (READ_ONLY_METHODS.has(request.method)) return done();
    requestContext.run({ ip: request.ip }, done);
  });
  drainRefusedBodies(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime);
    done();
  });
}
