#include "run/run_server.hpp"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

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
  std::uint64_t size = 0;
  if (!read_all(fd, reinterpret_cast<char*>(&size), sizeof size)) return std::nullopt;
  std::string bytes;
  bytes.resize(size);
  if (!read_all(fd, bytes.data(), bytes.size())) return std::nullopt;
  return bytes;
}

RunServerClient::~RunServerClient() {
  // Not waited for: the server ends when it reads the end of its pipe, or with its thread.
  if (to_server_ >= 0 && owner_ == ::getpid()) ::close(to_server_);
}

void RunServerClient::forget() {
  if (owner_ == ::getpid()) {
    if (to_server_ >= 0) ::close(to_server_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  to_server_ = -1;
  pid_ = -1;
}

bool RunServerClient::start(std::string* error) {
  // A process forked from the one that started the server shares its pipe: it needs its own.
  if (owner_ != ::getpid()) {
    to_server_ = -1;
    pid_ = -1;
  }
  if (pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == 0) return true;  // still running
    pid_ = -1;
    forget();
  }
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
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, executable_.c_str(), &actions, nullptr, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    if (error != nullptr) *error = "cannot start " + executable_ + ": " + std::strerror(rc);
    return false;
  }
  owner_ = ::getpid();
  pid_ = pid;
  to_server_ = sv[0];
  return true;
}

std::optional<ServedOutcome> RunServerClient::run(const ServedRun& request, const std::atomic<bool>& interrupt) {
  if (pid_ <= 0 || owner_ != ::getpid()) return std::nullopt;
  ArchiveWriter writer;
  writer(request);
  if (!write_frame(to_server_, writer.bytes())) {
    forget();
    return std::nullopt;
  }
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
      ::kill(pid_, SIGINT);
      asked_to_stop = Clock::now();
    }
  }
  const std::optional<std::string> answer = read_frame(to_server_);
  if (!answer) {
    forget();
    return std::nullopt;
  }
  ServedOutcome outcome;
  try {
    ArchiveReader reader(*answer);
    reader(outcome);
  } catch (const ArchiveError&) {
    forget();
    return std::nullopt;
  }
  return outcome;
}

}  // namespace plantwin::run
