#include "run/process_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <new>
#include <system_error>

#include "run/archive.hpp"
#include "network/backend.hpp"
#include "run/output_file.hpp"

namespace plantwin::run {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto STOP_GRACE = std::chrono::seconds(5);

// Set in a child process when it is asked to stop (SIGINT from the parent, or Ctrl-C at the
// terminal, which signals the whole foreground process group): its replication polls it.
std::atomic<bool> child_stop{false};

extern "C" void on_child_stop(int) { child_stop.store(true); }

// The first thing a child does. It must die with its parent, whatever ends the parent (SIGKILL,
// the OOM killer, a CI time-out, a Jupyter kernel restart): the kernel sends it SIGKILL when the
// thread that forked it exits, and that thread always waits for its children (a Reaper kills
// them on the way out of an exception). A parent that died between fork() and prctl() is seen
// by the changed parent pid. Then the signal dispositions inherited from the parent are reset:
// the CLI's or Python's SIGINT handler would set a flag, or trip a Python signal, in a process
// where nobody looks at it (Python's parent then had to kill the child when the 5 s grace
// ended); blocked signals (a worker thread's mask) are unblocked.
void become_child(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);
  struct sigaction stop {};
  stop.sa_handler = on_child_stop;
  ::sigemptyset(&stop.sa_mask);
  ::sigaction(SIGINT, &stop, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigemptyset(&dfl.sa_mask);
  for (const int signal : {SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) ::sigaction(signal, &dfl, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
}

/// A running child: its pid, the read end of its pipe and what came through it so far.
struct Child {
  pid_t pid = -1;
  int fd = -1;
  std::size_t index = 0;
  std::string bytes;
};

// The child's first byte says whether the rest is the result ('K') or an error message ('E').
[[noreturn]] void child_main(int fd, const std::function<std::string()>& work) {
  std::string message;
  try {
    message = "K" + work();
  } catch (const std::bad_alloc&) {
    message = "Eout of memory";
  } catch (const std::exception& e) {
    message = std::string("E") + e.what();
  } catch (...) {
    message = "Ean unknown exception";
  }
  const bool written = write_all(fd, message) == 0;
  ::close(fd);
  std::fflush(nullptr);
  // No atexit handlers or static destructors: they belong to the parent's state (and SimGrid's
  // engine is not torn down, which it does not do cleanly).
  ::_exit(written ? 0 : 1);
}

Child spawn(const std::function<std::string()>& work, std::size_t index, const std::vector<Child>& running) {
  std::fflush(nullptr);  // or the child would print the parent's buffered output again
  int fds[2];
  // Close-on-exec: a process that the parent (a notebook) starts with exec does not keep the
  // pipe open, which would hide the child's end from the parent.
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::system_error(error, std::generic_category(), "fork");
  }
  if (pid == 0) {
    become_child(parent);
    ::close(fds[0]);
    for (const Child& c : running) ::close(c.fd);
    child_main(fds[1], work);
  }
  ::close(fds[1]);
  return Child{pid, fds[0], index, {}};
}

/// Reads what is there; true at the end of the child's output.
bool read_some(Child& c) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    c.bytes.append(buf, static_cast<std::size_t>(n));
    return false;
  }
}

std::string signal_text(int signal) {
  const char* name = ::strsignal(signal);
  return "killed by signal " + std::to_string(signal) + (name != nullptr ? " (" + std::string(name) + ")" : std::string());
}

/// Reaps the child and turns what it sent into an outcome.
ChildOutcome reap(Child& c) {
  ::close(c.fd);
  c.fd = -1;
  int status = 0;
  while (::waitpid(c.pid, &status, 0) < 0) {
    if (errno == ECHILD)  // reaped by the kernel: this process ignores SIGCHLD
      return ChildOutcome{false, {}, "waitpid failed: No child processes (SIGCHLD is ignored in this process; set it back to SIG_DFL)"};
    if (errno != EINTR) return ChildOutcome{false, {}, "waitpid failed: " + std::string(std::strerror(errno))};
  }
  ChildOutcome out;
  if (!c.bytes.empty() && c.bytes[0] == 'K' && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    out.ok = true;
    out.bytes = c.bytes.substr(1);
  } else if (!c.bytes.empty() && c.bytes[0] == 'E') {
    out.error = c.bytes.substr(1);
  } else if (WIFSIGNALED(status)) {
    out.error = "the replication's process was " + signal_text(WTERMSIG(status)) +
                (WTERMSIG(status) == SIGKILL ? ", perhaps by the system for lack of memory" : "");
  } else {
    out.error = "the replication's process exited with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                " without a result";
  }
  return out;
}

}  // namespace

ChildOutcome run_in_child(const std::function<std::string()>& work) {
  Child c = spawn(work, 0, {});
  while (!read_some(c)) {
  }
  return reap(c);
}

BackgroundChild::~BackgroundChild() { kill(); }

void BackgroundChild::start(const std::function<std::string()>& work) {
  Child c = spawn(work, 0, {});
  pid_ = c.pid;
  fd_ = c.fd;
  bytes_.clear();
}

std::optional<ChildOutcome> BackgroundChild::poll() {
  if (pid_ <= 0) return std::nullopt;
  pollfd ready{fd_, POLLIN, 0};  // read_some() blocks: read only what is there
  if (::poll(&ready, 1, 0) <= 0 || (ready.revents & (POLLIN | POLLHUP | POLLERR)) == 0) return std::nullopt;
  Child c{pid_, fd_, 0, std::move(bytes_)};
  const bool done = read_some(c);
  bytes_ = std::move(c.bytes);
  if (!done) return std::nullopt;
  c.bytes = std::move(bytes_);
  pid_ = -1;
  fd_ = -1;
  return reap(c);
}

void BackgroundChild::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::close(fd_);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  fd_ = -1;
}

RunOutcome run_replications_in_processes(const models::PlantParams& params, const RunConfig& config) {
  const auto start = Clock::now();
  RunOutcome outcome;
  const auto n = static_cast<std::size_t>(config.replications);
  outcome.replications.resize(n);
  const auto jobs = static_cast<std::size_t>(effective_jobs(config.jobs, config.replications));
  // Load SimGrid once here: every child inherits it instead of loading it again (~0.1 s each).
  // When it cannot be loaded, each child fails with the loader's message, as without this.
  try {
    network::load_backend_module();
  } catch (const std::runtime_error&) {
  }

  const auto replication = [&](std::size_t k) {
    return [&, k] {
      models::Plant plant(params, config.seed, k);
      if (k == 0 && config.on_first_plant) config.on_first_plant(plant);
      if (k == 0 && config.record_timeline) plant.record_timeline();
      if (config.warm_start != nullptr) plant.warm_start(*config.warm_start);
      // In the child, the parent's flag never changes: the parent asks with SIGINT instead.
      const models::ReplicationResult r = plant.run(config.warmup, config.horizon, &child_stop);
      if (k == 0 && config.on_first_plant_done) config.on_first_plant_done();
      run::ArchiveWriter out;
      out(r);
      return out.bytes();
    };
  };
  const auto fail = [&](std::size_t k, std::string message) {
    outcome.replications[k].status = kernel::Kernel::Status::FAILED;
    outcome.replications[k].failure = std::move(message);
  };

  std::vector<Child> running;
  // On the way out of an exception (poll failing, no memory), the children still running are
  // killed and reaped: none outlives this call, and none is left a zombie.
  struct Reaper {
    std::vector<Child>& children;
    ~Reaper() {
      for (Child& c : children) {
        ::kill(c.pid, SIGKILL);
        ::close(c.fd);
        while (::waitpid(c.pid, nullptr, 0) < 0 && errno == EINTR) {
        }
      }
    }
  } reaper{running};
  std::size_t next = 0;
  bool stopping = false;
  Clock::time_point kill_at{};
  while (next < n || !running.empty()) {
    if (!stopping && config.interrupt != nullptr && config.interrupt->load()) {
      stopping = true;
      kill_at = Clock::now() + STOP_GRACE;
      for (const Child& c : running) ::kill(c.pid, SIGINT);
    }
    if (stopping) {
      for (; next < n; ++next) outcome.replications[next].status = kernel::Kernel::Status::INTERRUPTED;
      if (Clock::now() > kill_at)
        for (const Child& c : running) ::kill(c.pid, SIGKILL);
    }
    while (!stopping && running.size() < jobs && next < n) {
      try {
        running.push_back(spawn(replication(next), next, running));
      } catch (const std::exception& e) {
        fail(next, std::string("cannot start the replication's process: ") + e.what());
      }
      ++next;
    }
    if (running.empty()) continue;
    std::vector<pollfd> fds;
    for (const Child& c : running) fds.push_back(pollfd{c.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
    for (std::size_t i = running.size(); i-- > 0;) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0 || !read_some(running[i])) continue;
      Child c = std::move(running[i]);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      const ChildOutcome child = reap(c);
      if (!child.ok) {
        if (stopping)
          outcome.replications[c.index].status = kernel::Kernel::Status::INTERRUPTED;
        else
          fail(c.index, child.error);
        continue;
      }
      try {
        run::ArchiveReader in(child.bytes);
        in(outcome.replications[c.index]);
        if (!in.done()) throw run::ArchiveError("archive: bytes left over");
      } catch (const run::ArchiveError& e) {
        fail(c.index, std::string("the replication's result did not read back: ") + e.what());
      }
    }
  }

  finish_outcome(outcome);
  outcome.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  return outcome;
}

}  // namespace plantwin::run
