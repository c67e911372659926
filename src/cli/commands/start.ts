// `supd start target...`: start processes and wait until done (--no-wait to not).
import { waitingVerb } from '../client.js';

export const command = waitingVerb(
  'start',
  `Start the targets and wait until every one is running (or waiting, for a scheduled
program). Exits 0 then; 1 if one goes to backoff, fatal or exited first, or after --timeout
(default 60s). A target already running counts as done.`,
);
