import { Injectable } from '@nestjs/common';

/** The one source of "now", so tests and the simulator can reason about time. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
