import { errorCodes, type FastifyInstance } from 'fastify';

/** The media types a CAP message arrives as (SPEC §11). */
export const XML_MEDIA_TYPES = ['application/cap+xml', 'application/xml', 'text/xml'];

/**
 * XML bodies reach the routes that take them (POST /alerts) as text, up to `maxMb` (413 beyond,
 * before any parsing); those routes parse them with their own limits on what XML may hold. Every
 * other route answers 415, as it would without this parser.
 */
export function installXmlBodies(fastify: FastifyInstance, maxMb: number, routes: string[]): void {
  fastify.addContentTypeParser(XML_MEDIA_TYPES, { parseAs: 'string', bodyLimit: maxMb * 1024 * 1024 }, (request, body, done) => {
    if (!routes.includes(request.routeOptions.url ?? '')) return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']), undefined);
    done(null, body);
  });
}
