#include "run/run_server.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "run/archive.hpp"

extern char** environ;

namespace plantwin::run {

namespace {

// The pipe is a socket pair: send() with MSG_NOSIGNAL, so a dead peer is an error, never SIGPIPE.
bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

bool write_frame(int fd, const std::string& bytes) {
  const std::uint64_t size = bytes.size();
  return write_all(fd, reinterpret_cast<const char*>(&size), sizeof size) && write_all(fd, bytes.data(), bytes.size());
}

std::optional<std::string> read_frame(int fd) {
  // More than any document (a corrupt stream): refused rather than allocated.
  constexpr std::uint64_t MAX_FRAME = std::uint64_t{1} << 40;
  std::uint64_t size = 0;
  if (!read_all(fd, reinterpret_cast<char*>(&size), sizeof size) || size > MAX_FRAME) return std::nullopt;
  std::string bytes;
  bytes.resize(size);
  if (!read_all(fd, bytes.data(), bytes.size())) return std::nullopt;
  return bytes;
}

std::vector<std::pair<std::string, std::string>> plantwin_variables() {
  std::vector<std::pair<std::string, std::string>> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (entry.rfind("PLANTWIN_", 0) == 0 && eq != std::string_view::npos)
      out.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ServedRun::take_environment() {
  environment = plantwin_variables();
  // The umask from /proc (umask() would change it for a moment under the caller's other threads).
  if (FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f) != nullptr)
      if (std::strncmp(line, "Umask:", 6) == 0) umask = static_cast<std::uint32_t>(std::strtoul(line + 6, nullptr, 8));
    std::fclose(f);
  }
}

RunServerClient::~RunServerClient() {
  // Not waited for: the server ends when it reads the end of its socket.
  if (owner_ == ::getpid()) {
    if (to_server_ >= 0) ::close(to_server_);
    if (pidfd_ >= 0) ::close(pidfd_);
  }
}

void RunServerClient::abandon() {
  if (to_server_ >= 0) ::close(to_server_);
  if (pidfd_ >= 0) ::close(pidfd_);
  to_server_ = -1;
  pidfd_ = -1;
  pid_ = -1;
  owner_ = -1;
}

void RunServerClient::signal_server(int signal) const {
  if (pidfd_ >= 0)
    ::syscall(SYS_pidfd_send_signal, pidfd_, signal, nullptr, 0);
  else if (pid_ > 0)
    ::kill(pid_, signal);
}

int RunServerClient::reap(bool block, int* status) const {
  const int options = WEXITED | (block ? 0 : WNOHANG);
  if (pidfd_ < 0) {
    pid_t reaped = -1;
    while ((reaped = ::waitpid(pid_, status, block ? 0 : WNOHANG)) < 0 && errno == EINTR) {
    }
    return reaped == pid_ ? 1 : reaped == 0 ? 0 : -1;
  }
  siginfo_t info{};
  int rc = -1;
  // P_PIDFD (Linux 5.4) has no name in Debian 12's glibc headers.
  while ((rc = ::waitid(static_cast<idtype_t>(3), static_cast<id_t>(pidfd_), &info, options)) < 0 && errno == EINTR) {
  }
  if (rc < 0) return -1;
  if (info.si_pid == 0) return 0;  // WNOHANG: still running
  *status = info.si_code == CLD_EXITED ? (info.si_status & 0xff) << 8 : info.si_status & 0x7f;
  return 1;
}

void RunServerClient::forget(std::string* why) {
  if (owner_ == ::getpid()) {
    if (to_server_ >= 0) ::close(to_server_);
    if (pid_ > 0) {
      signal_server(SIGKILL);
      int status = 0;
      const bool reaped = reap(true, &status) == 1;
      if (why != nullptr && reaped && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
        *why += std::string(" (it was killed by signal ") + std::to_string(WTERMSIG(status)) + ", " + ::strsignal(WTERMSIG(status)) + ")";
      else if (why != nullptr && reaped && WIFEXITED(status))
        *why += " (it exited with status " + std::to_string(WEXITSTATUS(status)) + ")";
    }
    if (pidfd_ >= 0) ::close(pidfd_);
  }
  to_server_ = -1;
  pidfd_ = -1;
  pid_ = -1;
}

pid_t RunServerClient::pid() {
  if (pid_ <= 0 || owner_ != ::getpid()) return -1;
  int status = 0;
  if (reap(false, &status) != 0) {  // it ended (reaped now) or is not ours
    pid_ = -1;
    forget();
    return -1;
  }
  return pid_;
}

bool RunServerClient::start(std::string* error) {
  // A process forked from the one that started the server shares its socket: it needs its own.
  if (owner_ != ::getpid()) abandon();
  if (!other_build_.empty()) {
    if (error != nullptr) *error = other_build_;
    return false;
  }
  if (pid() > 0) return true;
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    if (error != nullptr) *error = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  // The server's end becomes its standard input (dup2 clears close-on-exec); stdout and stderr
  // stay the caller's, for what the replications print.
  ::posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  const std::string parent = std::to_string(::getpid());
  std::string command = "serve-runs";
  std::vector<char*> argv{executable_.data(), command.data(), const_cast<char*>(parent.c_str()), nullptr};
  // The caller's other descriptors that are not close-on-exec stay out of the long-lived server.
  ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  // SIGINT (an interrupt, Ctrl-C in the caller's terminal) and SIGIO blocked until the server has
  // its handlers: one that came before would otherwise kill it, and its answer would be lost.
  posix_spawnattr_t attributes;
  ::posix_spawnattr_init(&attributes);
  sigset_t blocked;
  ::sigemptyset(&blocked);
  ::sigaddset(&blocked, SIGINT);
  ::sigaddset(&blocked, SIGIO);
  ::posix_spawnattr_setsigmask(&attributes, &blocked);
  ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, executable_.c_str(), &actions, &attributes, argv.data(), environ);
  ::posix_spawnattr_destroy(&attributes);
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    if (error != nullptr) *error = "cannot start " + executable_ + ": " + std::strerror(rc);
    return false;
  }
  owner_ = ::getpid();
  pid_ = pid;
  // Opened before anything could reap it: a server that died already is still our zombie, unless
  // SIGCHLD is ignored, when the pid could be reused in the microseconds since the spawn (ENOSYS
  // on kernels before 5.3: the pid is used).
  // (Debian 12's <sys/pidfd.h> declares its functions without extern "C": the system calls.)
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  to_server_ = sv[0];
  return true;
}

std::optional<ServedOutcome> RunServerClient::run(const ServedRun& request, const std::atomic<bool>& interrupt, std::string* why) {
  const auto lost = [&](const char* what) -> std::optional<ServedOutcome> {
    std::string reason = what;
    forget(&reason);
    if (why != nullptr) *why = reason;
    return std::nullopt;
  };
  if (pid_ <= 0 || owner_ != ::getpid()) {
    if (why != nullptr) *why = "is not running";
    return std::nullopt;
  }
  ArchiveWriter writer;
  writer(request);
  if (!write_frame(to_server_, writer.bytes())) return lost("could not be sent the run");
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> asked_to_stop;
  for (;;) {
    pollfd p{to_server_, POLLIN, 0};
    const int ready = ::poll(&p, 1, 50);
    if (ready > 0) break;
    if (ready < 0 && errno != EINTR) break;
    // Asked again every half second: a SIGINT that reached the server before it read the request
    // is forgotten when the request starts.
    if (interrupt.load() && (!asked_to_stop || Clock::now() - *asked_to_stop >= std::chrono::milliseconds(500))) {
      signal_server(SIGINT);
      asked_to_stop = Clock::now();
    }
  }
  std::optional<std::string> answer;
  try {
    answer = read_frame(to_server_);
  } catch (const std::bad_alloc&) {
    return lost("sent an answer too large to read");
  }
  if (!answer) return lost("ended without answering");
  ServedOutcome outcome;
  try {
    ArchiveReader reader(*answer);
    reader(outcome);
  } catch (const ArchiveError&) {
    return lost("answered what could not be read");
  }
  if (outcome.other_build) {
    other_build_ = outcome.error;
    forget();
  }
  return outcome;
}

}  // namespace plantwin::run
