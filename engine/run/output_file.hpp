#pragma once
/// Output that is never lost silently: every write error is kept with its errno (a full disk,
/// /dev/full, a file size limit, a closed pipe), so that the command that wrote it can say why
/// and exit with 3. Used for the trace (also by the child process that runs replication 0 of a
/// plant with a network), for --out and for standard output.

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <streambuf>
#include <utility>
#include <vector>

namespace plantwin::run {

/// Writes all of `bytes` to `fd` (retrying short writes and EINTR). Returns 0, or the errno of
/// the write that failed.
int write_all(int fd, std::string_view bytes);

/// A stream buffer over a file descriptor (not owned), 64 KiB at a time. The first failed write
/// is kept: error() is its errno, and every later write fails too, so a stream over it goes bad
/// at once and stays bad.
class FdBuffer final : public std::streambuf {
 public:
  explicit FdBuffer(int fd);
  FdBuffer(const FdBuffer&) = delete;
  FdBuffer& operator=(const FdBuffer&) = delete;
  /// The errno of the first failed write; 0 while every write succeeded.
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  bool drain();
  int fd_;
  int error_ = 0;
  std::vector<char> buffer_;
};

/// Why `out` failed: the text of its FdBuffer's errno ("No space left on device"), or "a write
/// error" for another kind of stream.
std::string write_error(const std::ostream& out);

/// A file created (or truncated) for writing, through an FdBuffer.
class OutputFile {
 public:
  /// Opens `path` for writing, truncated; is_open() says whether it could, error() why not.
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  bool is_open() const { return fd_ >= 0; }
  std::ostream& stream() { return stream_; }
  /// Writes what is buffered; false (error() says why) when it or an earlier write failed.
  bool flush();
  /// Flushes and closes; false when anything written to the file since it was opened is lost.
  bool close();
  /// The reason of the first failure (open, write or close), as strerror gives it.
  std::string error() const;

 private:
  int fd_ = -1;
  int error_ = 0;  // of open() or close(); the buffer keeps those of writes
  FdBuffer buffer_;
  std::ostream stream_;
};

/// Writes `files` (name, content) into the existing directory `dir` all at once: each into a
/// temporary file of that directory (created with O_EXCL, flushed to disk), and only once every
/// one is written are they renamed over the names, so that a failure (a full disk, no memory, a
/// signal, SIGKILL) leaves the previous files as they were and never a truncated one. When
/// `abandon` returns true before the renames (the run was interrupted meanwhile), nothing is
/// renamed. When a rename fails midway, the files already renamed are put back as they were
/// (the previous files are kept under a hard link until every rename has succeeded). Returns an empty string, or the error ("cannot write DIR/result.json: No space left
/// on device"); the temporary files are removed on failure (not after SIGKILL: then a hidden
/// `.NAME.PID.tmp` stays beside the previous files).
std::string write_files_together(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files,
                                 const std::function<bool()>& abandon = {});

}  // namespace plantwin::run
