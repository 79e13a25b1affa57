import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { HttpException } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service.js';
import { Credentials } from '../auth/credentials.js';
import { TooManyAttemptsException } from '../auth/password-attempts.js';
import { requestContext } from '../common/request-context.js';
import { QueueName } from '../queue/queue.constants.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The BullMQ dashboard, for admins only. Browsers get a Basic-auth prompt (admin username and
 * password, checked under the same attempt limit as every login); scripts may send their bearer token.
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  const queues = Object.values(QueueName).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false })));
  createBullBoard({ queues, serverAdapter });
  const guard = adminOnly(app.get(AuthService), app.get(Credentials));
  // Its own encapsulated scope: the admin check guards the dashboard's routes and nothing else.
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', (request, reply) => requestContext.run({ ip: request.ip }, () => guard(request, reply)));
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
}

function adminOnly(auth: AuthService, credentials: Credentials) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const [scheme, value] = (request.headers.authorization ?? '').split(' ');
    let caller: { role: string; mustEnrolTotp: boolean } | null = null;
    try {
      if (scheme?.toLowerCase() === 'bearer' && value) caller = await auth.authenticateUser(value);
      if (scheme?.toLowerCase() === 'basic' && value) caller = await basicCredentials(auth, credentials, request.ip, value);
    } catch (error) {
      if (error instanceof TooManyAttemptsException) reply.header('Retry-After', String(error.retryAfterSec));
      if (error instanceof HttpException && error.getStatus() !== 401) return reply.code(error.getStatus()).send(error.getResponse());
    }
    if (caller?.role === 'admin' && !caller.mustEnrolTotp) return;
    const status = caller ? 403 : 401;
    if (status === 401) reply.header('WWW-Authenticate', 'Basic realm="Loa queues", charset="UTF-8"');
    const message = caller?.mustEnrolTotp ? 'enrol a second factor in the console first' : 'the queue dashboard is for admins';
    return reply.code(status).send({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Forbidden', message });
  };
}

async function basicCredentials(auth: AuthService, credentials: Credentials, ip: string, value: string) {
  const [username, ...rest] = Buffer.from(value, 'base64').toString('utf8').split(':');
  const { user } = await credentials.verify({ ip, username, password: rest.join(':'), via: 'queue-dashboard', secondFactor: true, codeAppended: true });
  return { role: user.role, mustEnrolTotp: auth.mustEnrolTotp(user) };
}
