#include "bench_process.hpp"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>

namespace plantwin::bench {

namespace {

// Writes all of `bytes` to `fd`, going on after short writes and EINTR.
bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string read_all(int fd) {
  std::string bytes;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  return bytes;
}

// Reads the child's output to the end, then reaps it: its rusage gives the peak resident set.
ChildResult collect(pid_t pid, int read_fd) {
  ChildResult r;
  r.payload = read_all(read_fd);
  ::close(read_fd);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      r.error = "wait4 failed";
      return r;
    }
  }
  r.max_rss_kib = usage.ru_maxrss;  // Linux reports KiB
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.error = "killed by signal " + std::to_string(WTERMSIG(status));
  }
  return r;
}

}  // namespace

ChildResult run_in_child(const std::function<std::string()>& work) {
  std::fflush(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) return ChildResult{false, "pipe failed", {}, 0, -1};
  const pid_t pid = ::fork();
  if (pid < 0) return ChildResult{false, "fork failed", {}, 0, -1};
  if (pid == 0) {
    ::close(fds[0]);
    // The first byte says whether the rest is the result ('K') or an error message ('E').
    std::string message;
    try {
      message = "K" + work();
    } catch (const std::exception& e) {
      message = std::string("E") + e.what();
    }
    const bool written = write_all(fds[1], message);
    ::close(fds[1]);
    std::fflush(nullptr);
    ::_exit(written ? 0 : 1);  // no atexit handlers or static destructors of the parent's state
  }
  ::close(fds[1]);
  ChildResult r = collect(pid, fds[0]);
  if (!r.error.empty()) return r;
  if (r.payload.empty()) {
    r.error = "the child returned nothing (exit status " + std::to_string(r.exit_code) + ")";
  } else if (r.payload[0] == 'E') {
    r.error = r.payload.substr(1);
  } else {
    r.payload.erase(0, 1);
    r.ok = true;
  }
  return r;
}

ChildResult run_program(const std::vector<std::string>& argv) {
  std::fflush(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) return ChildResult{false, "pipe failed", {}, 0, -1};
  // Build argv before forking: the child only calls async-signal-safe functions.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return ChildResult{false, "fork failed", {}, 0, -1};
  if (pid == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[1]);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  ChildResult r = collect(pid, fds[0]);
  if (r.error.empty() && r.exit_code == 127) r.error = "cannot execute " + argv[0];
  r.ok = r.error.empty() && r.exit_code == 0;
  if (!r.ok && r.error.empty()) r.error = "exit status " + std::to_string(r.exit_code);
  return r;
}

long current_rss_kib() {
  std::ifstream statm("/proc/self/statm");
  long size_pages = 0, resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * (::sysconf(_SC_PAGESIZE) / 1024);
}

RssSampler::RssSampler(std::chrono::milliseconds period)
    : period_(period), start_(std::chrono::steady_clock::now()) {
  // Reserved up front so that the sampler's own growth stays out of what it measures.
  samples_.reserve(1 << 16);
  samples_.push_back({0.0, current_rss_kib()});
  thread_ = std::thread([this] { loop(); });
}

void RssSampler::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    if (samples_.size() < samples_.capacity())
      samples_.push_back(
          {std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(), current_rss_kib()});
  }
}

void RssSampler::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace plantwin::bench
