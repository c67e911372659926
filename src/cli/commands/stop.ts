// `supd stop target...`: stop processes and wait until done (--no-wait to not).
import { waitingVerb } from '../client.js';

export const command = waitingVerb(
  'stop',
  `Stop the targets (stop_signal, then SIGKILL after stop_timeout) and wait until each has
exited. A target already stopped counts as done.`,
);
