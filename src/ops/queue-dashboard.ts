import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service.js';
import { QueueName } from '../queue/queue.constants.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The BullMQ dashboard, for admins only. Browsers get a Basic-auth prompt (admin username and
 * password); scripts may send their bearer token.
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  const queues = Object.values(QueueName).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false })));
  createBullBoard({ queues, serverAdapter });
  const auth = app.get(AuthService);
  // Its own encapsulated scope: the admin check guards the dashboard's routes and nothing else.
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', adminOnly(auth));
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
}

function adminOnly(auth: AuthService) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const [scheme, value] = (request.headers.authorization ?? '').split(' ');
    let role: string | undefined;
    if (scheme?.toLowerCase() === 'bearer' && value) role = (await auth.authenticateUser(value))?.role;
    if (scheme?.toLowerCase() === 'basic' && value) {
      const [username, ...rest] = Buffer.from(value, 'base64').toString('utf8').split(':');
      role = (await auth.verifyCredentials(username, rest.join(':')))?.role;
    }
    if (role === 'admin') return;
    const status = role ? 403 : 401;
    if (status === 401) reply.header('WWW-Authenticate', 'Basic realm="Loa queues", charset="UTF-8"');
    return reply.code(status).send({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Forbidden', message: 'the queue dashboard is for admins' });
  };
}
