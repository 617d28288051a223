#pragma once
/// Running one measurement in a process of its own, so that its peak resident set (ru_maxrss
/// from wait4) belongs to that measurement alone, and sampling the resident set while a long run
/// goes on.

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace plantwin::bench {

/// What a child process gave back.
struct ChildResult {
  bool ok = false;
  std::string error;    ///< why not ok: the child's exception, its exit status or its signal
  std::string payload;  ///< the bytes the child returned (run_in_child) or printed (run_program)
  long max_rss_kib = 0;  ///< the child's peak resident set size, KiB
  int exit_code = -1;   ///< run_program: the program's exit status, -1 when it did not exit
};

/// Runs `work` in a forked child and returns what it returned. The parent's stdout is flushed
/// first so that the child does not print the parent's buffered output again.
ChildResult run_in_child(const std::function<std::string()>& work);

/// Runs a program (argv[0] is its path; no PATH lookup) and captures its stdout.
ChildResult run_program(const std::vector<std::string>& argv);

/// Appends the bytes of a trivially copyable value (child → parent messages).
template <class T>
void append_bytes(std::string& bytes, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
}

/// Reads a value written by append_bytes at `offset` and moves `offset` past it. Returns false
/// when fewer than sizeof(T) bytes are left.
template <class T>
bool read_bytes(const std::string& bytes, std::size_t& offset, T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (offset > bytes.size() || bytes.size() - offset < sizeof value) return false;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  offset += sizeof value;
  return true;
}

/// This process's resident set size now, KiB (from /proc/self/statm); 0 if unreadable.
long current_rss_kib();

/// One RSS sample: seconds since the sampler started, and the resident set, KiB.
struct RssSample {
  double t_s;
  long rss_kib;
};

/// Samples current_rss_kib() every `period` on a thread of its own until stop().
class RssSampler {
 public:
  explicit RssSampler(std::chrono::milliseconds period);
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;
  ~RssSampler() { stop(); }
  /// Stops sampling and joins the thread; the samples are complete afterwards.
  void stop();
  const std::vector<RssSample>& samples() const { return samples_; }

 private:
  void loop();
  const std::chrono::milliseconds period_;
  const std::chrono::steady_clock::time_point start_;
  std::vector<RssSample> samples_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace plantwin::bench
