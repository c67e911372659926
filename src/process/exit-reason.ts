// An exit that means the program never ran: exit 126 (found but not executable) and 127 (not
// found) are what setpriv and sh report when exec fails. When the program's stderr said
// nothing (or is not kept), this is the reason in status, so an exec failure is never a bare
// exit code.
export function execFailureHint(code: number | null): string | null {
  if (code === 126) return 'the command could not be executed (permission denied, or not a program)';
  if (code === 127) return 'the command (or its interpreter) was not found';
  return null;
}
