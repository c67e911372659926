// The fork server's program (spawn-helper.ts), in Perl: perl-base (with POSIX and Fcntl) is in
// every Debian, and a Perl process of a few MB forks in a fraction of what a large supd takes.
//
// Requests on stdin (a pipe supd writes, one request after another without waiting): a 10-digit
// length, then that many bytes, fields split by NUL: cwd, umask (octal or empty), the fd map
// ("CHILDFD:SOURCE" joined by spaces, SOURCE `n` for /dev/null or the number of one of supd's
// fds, opened again through /proc/SUPD/fd/N), argc, the argv, then the environment ("K=V").
// Everything it says goes on fd 3, one line each, in the order it happened: "P PID START" (the
// request's child is forked, START its /proc start time, read while it cannot have been reaped
// yet: a child that ends at once is gone from /proc by the time supd reads the line; not exec'd: an exec that fails writes why to the child's stderr and
// exits 127) or "E reason", one per request in the order they came, and "X PID CODE SIGNAL" ("-"
// for none) once a child ended. fd 3 is written non-blocking from a buffer, so the helper never
// waits on supd. The helper ignores terminal and kill signals (supd stops it by closing stdin);
// its children get the default ones back, a clear signal mask and their own session.
// Every signal is blocked from the fork until the "P" line is queued (as libuv does around its
// own fork), for two reasons:
// - SIGCHLD: a child's exit line always comes after the line that named its pid, so supd can
//   match exits to children by pid (a pid used again is handed out only after the exit line of
//   its last owner);
// - the child: supd may stop it the moment it learns the pid (a stop came while it was being
//   spawned), before the child has put back the default of a signal the helper ignores. Blocked,
//   that SIGTERM waits and then ends it; ignored, it was lost (30 s of stop_timeout, then
//   SIGKILL, in 2 of 20 copies restarted ten times at once).
export const SPAWN_HELPER_PROGRAM = String.raw`
use strict; use POSIX (); use Fcntl;
my $supd = getppid();
$SIG{$_} = 'IGNORE' for qw(INT TERM HUP QUIT USR1 USR2 PIPE);
fcntl(STDIN, F_SETFL, 0);
open(my $ev, '>&=', 3) or die "fd 3: $!";
fcntl($ev, F_SETFL, O_NONBLOCK);
my $out = '';
$SIG{CHLD} = sub {
  while ((my $p = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $s = $? & 127; $out .= $s ? "X $p - $s\n" : "X $p " . ($? >> 8) . " -\n";
  }
};
sub flush { my $w = syswrite($ev, $out); substr($out, 0, $w) = '' if defined $w && $w > 0 }
sub wait_input { while (1) { flush() if $out ne ''; my ($r, $w) = ('', '');
    vec($r, 0, 1) = 1; vec($w, 3, 1) = 1 if $out ne '';
    my $wr = $out ne '' ? $w : undef; return if select($r, $wr, undef, 1) > 0 && vec($r, 0, 1) } }
sub rd { my ($n) = @_; my $b = '';
  while (length($b) < $n) { wait_input(); my $r = sysread(STDIN, $b, $n - length($b), length($b));
    if (!defined $r) { next if $!{EINTR}; exit 0 } exit 0 if $r == 0 } $b }
sub reply { my ($line) = @_; $line =~ s/\n/ /g; $out .= "$line\n" }
my $all = POSIX::SigSet->new(); $all->fillset(); my $none = POSIX::SigSet->new();
sub start_time { my ($pid) = @_; open(my $s, '<', "/proc/$pid/stat") or return '-'; my $l = <$s>; close($s);
  $l =~ s/^.*\) //s; my @f = split(/ /, $l); return $f[19] // '-' }
sub source { my ($src) = @_; my $f;
  return $f if $src eq 'n' ? sysopen($f, '/dev/null', O_RDWR) : sysopen($f, "/proc/$supd/fd/$src", O_WRONLY);
  die "cannot open supd's fd $src: $!\n" }
sub child { my ($cwd, $umask, $map, $argv, $env) = @_;
  $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP QUIT USR1 USR2 PIPE CHLD);
  POSIX::sigprocmask(POSIX::SIG_SETMASK(), $none);
  POSIX::setsid();
  my %high = map { ($_->[0], fcntl($_->[1], F_DUPFD, 64) + 0) } @$map;
  POSIX::dup2($high{$_->[0]}, $_->[0]) for @$map;
  my %keep = map { ($_->[0], 1) } @$map;
  opendir(my $d, '/proc/self/fd'); my @open = grep { /^\d+$/ && !$keep{$_} } readdir($d); closedir($d);
  POSIX::close($_) for @open;
  chdir($cwd) or do { print STDERR "supd: cannot enter $cwd: $!\n"; POSIX::_exit(127) };
  umask(oct($umask)) if $umask ne '';
  %ENV = map { split(/=/, $_, 2) } @$env;
  { no warnings; exec { $argv->[0] } @$argv; }
  print STDERR "supd: cannot run $argv->[0]: $!\n"; POSIX::_exit(127) }
while (1) {
  my @f = split(/\0/, rd(rd(10) + 0), -1);
  my ($cwd, $umask, $fds, $argc) = splice(@f, 0, 4);
  my @argv = splice(@f, 0, $argc);
  my %src; my @map = eval { map { my ($c, $s) = split(/:/); [$c, $src{$s} //= source($s)] } split(/ /, $fds) };
  if ($@) { close($_) for values %src; reply("E $@"); next }
  POSIX::sigprocmask(POSIX::SIG_SETMASK(), $all);
  my $pid = fork(); my $why = "$!";
  child($cwd, $umask, [map { [$_->[0], $_->[1]] } @map], \@argv, \@f) if defined $pid && $pid == 0;
  close($_) for values %src;
  reply(defined $pid ? "P $pid " . start_time($pid) : "E fork failed: $why");
  POSIX::sigprocmask(POSIX::SIG_SETMASK(), $none);
}
`;
