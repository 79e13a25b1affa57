import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { QueueName } from '../queue/queue.constants.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The BullMQ dashboard, for admins only. Browsers get a Basic-auth prompt (admin username and
 * password); scripts may send their bearer token.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  const queues = Object.values(QueueName).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false })));
  createBullBoard({ queues, serverAdapter });
  const auth = app.get(AuthService);
  app.use(QUEUE_DASHBOARD_PATH, adminOnly(auth), serverAdapter.getRouter());
}

function adminOnly(auth: AuthService) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const [scheme, value] = (req.headers.authorization ?? '').split(' ');
    let role: string | undefined;
    if (scheme?.toLowerCase() === 'bearer' && value) role = (await auth.authenticateUser(value))?.role;
    if (scheme?.toLowerCase() === 'basic' && value) {
      const [username, ...rest] = Buffer.from(value, 'base64').toString('utf8').split(':');
      role = (await auth.verifyCredentials(username, rest.join(':')))?.role;
    }
    if (role === 'admin') return next();
    const status = role ? 403 : 401;
    if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Loa queues", charset="UTF-8"');
    res.status(status).json({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Forbidden', message: 'the queue dashboard is for admins' });
  };
}
