// `supd restart target...`: restart processes and wait until done (--no-wait to not).
import { waitingVerb } from '../client.js';

export const command = waitingVerb(
  'restart',
  `Stop the targets, start them again, and wait until every one is running. Exits 1 if one
goes to backoff, fatal or exited, or after --timeout (default 60s).`,
);
