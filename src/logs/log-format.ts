// The two shapes of a line supd writes ([supervisor] log_format): text, or one JSON object a
// line `{"ts", "level", "msg", "name"?, "pid"?, "stream"?}` with ts in RFC 3339 (ms, UTC). A
// message that is itself JSON stays a string in msg: nothing of a program's output becomes a key.
export type LogFormat = 'text' | 'json';

export interface JsonLogFields {
  readonly level: string;
  readonly msg: string;
  readonly name?: string;
  readonly pid?: number;
  readonly stream?: 'stdout' | 'stderr';
}

/** One JSON line, keys in a fixed order, ending in a newline. */
export function formatJsonLine(time: Date, fields: JsonLogFields): string {
  const line: Record<string, unknown> = { ts: time.toISOString(), level: fields.level, msg: fields.msg };
  if (fields.name !== undefined) line.name = fields.name;
  if (fields.pid !== undefined) line.pid = fields.pid;
  if (fields.stream !== undefined) line.stream = fields.stream;
  return `${JSON.stringify(line)}\n`;
}
