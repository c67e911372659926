// A cron expression (node-cron's: 5 fields, or 6 with seconds first; numbers, names, lists,
// ranges, steps, L and L-n, n#k) as a systemd OnCalendar= value that fires at the same times.
// node-cron matches day of month AND day of week, as OnCalendar does, so one line is enough.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const SYSTEMD_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export type CalendarResult = { ok: true; value: string } | { ok: false; reason: string };

interface FieldSpec {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly width: number;
}

const SECOND: FieldSpec = { min: 0, max: 59, width: 2 };
const MINUTE: FieldSpec = { min: 0, max: 59, width: 2 };
const HOUR: FieldSpec = { min: 0, max: 23, width: 2 };
const DOM: FieldSpec = { min: 1, max: 31, width: 2 };
const MONTH: FieldSpec = { min: 1, max: 12, names: MONTHS, width: 2 };
const DOW: FieldSpec = { min: 0, max: 7, names: DAYS, width: 1 };

class Unsupported extends Error {}

function number(text: string, spec: FieldSpec): number {
  const lower = text.toLowerCase();
  const named = spec.names?.indexOf(lower.slice(0, 3)) ?? -1;
  const value = named !== -1 && /^[a-z]+$/.test(lower) ? named + (spec === MONTH ? 1 : 0) : Number(text);
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) throw new Unsupported(`"${text}" is out of range`);
  return value;
}

/** The values one comma-separated part stands for, or '*' for every value. */
function part(text: string, spec: FieldSpec): number[] | '*' {
  const [range, stepText] = text.split('/') as [string, string | undefined];
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1) throw new Unsupported(`step "${stepText}"`);
  if ((range === '*' || range === '?') && step === 1) return '*';
  let [from, to] = [spec.min, spec === DOW ? 6 : spec.max];
  if (range !== '*' && range !== '?') {
    const bounds = range.split('-');
    from = number(bounds[0]!, spec);
    to = bounds.length > 1 ? number(bounds[1]!, spec) : stepText === undefined ? from : spec.max;
    if (to < from) throw new Unsupported(`range ${range} goes backwards`);
  }
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

function values(field: string, spec: FieldSpec): number[] | '*' {
  const all = new Set<number>();
  for (const piece of field.split(',')) {
    const got = part(piece, spec);
    if (got === '*') return '*';
    for (const v of got) all.add(spec === DOW && v === 7 ? 0 : v);
  }
  return [...all].sort((a, b) => a - b);
}

// Runs of consecutive values as systemd ranges: 1,2,3,5 -> 01..03,05.
function list(nums: number[], format: (n: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i < nums.length; i++) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    out.push(j - i >= 2 ? `${format(nums[i]!)}..${format(nums[j]!)}` : nums.slice(i, j + 1).map(format).join(','));
    i = j;
  }
  return out.join(',');
}

function simple(field: string, spec: FieldSpec): string {
  const got = values(field, spec);
  return got === '*' ? '*' : list(got, (n) => String(n).padStart(spec.width, '0'));
}

// Day of month: numbers as usual; L (last day) and L-n as systemd's "~" (counted from the end).
function dayOfMonth(field: string): string {
  if (/^L(-\d+)?$/i.test(field)) {
    const offset = field.length > 1 ? Number(field.slice(2)) : 0;
    return `~${String(offset + 1).padStart(2, '0')}`;
  }
  if (/[LW]/i.test(field)) throw new Unsupported(`day of month "${field}" (nearest weekday)`);
  return simple(field, DOM);
}

// Day of week, and the days of month an n#k (the k-th such weekday) narrows to.
function dayOfWeek(field: string): { weekdays: string; days: string | null } {
  const nth = /^([0-7])#([1-5])$/.exec(field);
  if (nth !== null) {
    const k = Number(nth[2]);
    return { weekdays: SYSTEMD_DAYS[Number(nth[1]) % 7]!, days: `${String(k * 7 - 6).padStart(2, '0')}..${String(Math.min(k * 7, 31)).padStart(2, '0')}` };
  }
  if (/L/i.test(field)) throw new Unsupported(`day of week "${field}" (last weekday of the month)`);
  const got = values(field, DOW);
  return { weekdays: got === '*' ? '' : list(got, (n) => SYSTEMD_DAYS[n]!), days: null };
}

export function cronToCalendar(cron: string, timezone: string | null): CalendarResult {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return { ok: false, reason: `"${cron}" has ${fields.length} fields` };
  const [sec, min, hour, dom, month, dow] = fields.length === 6 ? fields : ['0', ...fields];
  try {
    const weekday = dayOfWeek(dow!);
    let days = dayOfMonth(dom!);
    if (weekday.days !== null) {
      if (days !== '*') throw new Unsupported('n#k with a day of month');
      days = weekday.days;
    }
    const date = `*-${simple(month!, MONTH)}-${days}`.replace('-~', '~');
    const time = `${simple(hour!, HOUR)}:${simple(min!, MINUTE)}:${simple(sec!, SECOND)}`;
    const value = [weekday.weekdays, date, time, timezone ?? ''].filter(Boolean).join(' ');
    return { ok: true, value };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, reason: error.message };
    throw error;
  }
}
