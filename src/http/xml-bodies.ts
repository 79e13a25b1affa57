import type { FastifyInstance } from 'fastify';

/** The media types a CAP message arrives as (SPEC §11). */
export const XML_MEDIA_TYPES = ['application/cap+xml', 'application/xml', 'text/xml'];

/**
 * XML bodies reach their route as text, up to `maxMb` (413 beyond, before any parsing): only
 * POST /alerts takes them, and it parses them itself with its own limits on what XML may hold.
 */
export function installXmlBodies(fastify: FastifyInstance, maxMb: number): void {
  fastify.addContentTypeParser(XML_MEDIA_TYPES, { parseAs: 'string', bodyLimit: maxMb * 1024 * 1024 }, (_request, body, done) => done(null, body));
}
