/**
 * What a receiver does, as structured events: the agent writes them as JSON log lines, the simulator
 * counts them. `event` names what happened; the other fields are its details.
 */
export interface ReceiverEvent {
  level: 'debug' | 'info' | 'warn' | 'error';
  event: string;
  [field: string]: unknown;
}

export type ReceiverLog = (event: ReceiverEvent) => void;
