#include "run/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>

namespace plantwin::run {

namespace {
constexpr std::size_t BUFFER_BYTES = 64 * 1024;

std::string error_text(int error) { return error != 0 ? std::strerror(error) : "a write error"; }
}  // namespace

int write_all(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

FdBuffer::FdBuffer(int fd) : fd_(fd), buffer_(BUFFER_BYTES) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }

bool FdBuffer::drain() {
  const auto size = static_cast<std::size_t>(pptr() - pbase());
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  if (error_ != 0) return false;
  if (fd_ < 0) {
    error_ = EBADF;
    return false;
  }
  error_ = write_all(fd_, std::string_view(buffer_.data(), size));
  return error_ == 0;
}

FdBuffer::int_type FdBuffer::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int FdBuffer::sync() { return drain() ? 0 : -1; }

std::string write_error(const std::ostream& out) {
  const auto* buffer = dynamic_cast<const FdBuffer*>(out.rdbuf());
  return error_text(buffer != nullptr ? buffer->error() : 0);
}

OutputFile::OutputFile(const std::string& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)),
      error_(fd_ < 0 ? errno : 0),
      buffer_(fd_),
      stream_(&buffer_) {
  if (fd_ < 0) stream_.setstate(std::ios::badbit);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool OutputFile::flush() {
  stream_.flush();
  return error_ == 0 && buffer_.error() == 0 && stream_.good();
}

bool OutputFile::close() {
  bool ok = flush();
  if (fd_ >= 0) {
    if (::close(fd_) != 0 && error_ == 0 && buffer_.error() == 0) {
      error_ = errno;
      ok = false;
    }
    fd_ = -1;
  }
  return ok;
}

std::string OutputFile::error() const { return error_text(error_ != 0 ? error_ : buffer_.error()); }

std::string write_files_together(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files,
                                 const std::function<bool()>& abandon) {
  std::vector<std::string> temporary;
  const auto remove_temporary = [&] {
    for (const std::string& t : temporary) ::unlink(t.c_str());
  };
  for (const auto& [name, content] : files) {
    const std::string path = dir + "/" + name;
    // Hidden, and unique to this process: two runs into one directory do not write one file.
    const std::string tmp = dir + "/." + name + "." + std::to_string(::getpid()) + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
      const std::string why = std::strerror(errno);
      remove_temporary();
      return "cannot write " + path + ": " + why;
    }
    temporary.push_back(tmp);
    int error = write_all(fd, content);
    // On the disk before the rename: a crash then leaves the old file or the whole new one.
    if (error == 0 && ::fsync(fd) != 0 && errno != EINVAL) error = errno;
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error != 0) {
      remove_temporary();
      return "cannot write " + path + ": " + std::strerror(error);
    }
  }
  if (abandon && abandon()) {
    remove_temporary();
    return "interrupted before the files were in place; " + dir + " is as it was";
  }
  // The previous files are kept under a second name (a hard link) until every rename has
  // succeeded: when one fails (a directory in the way, a file system that turned read-only),
  // those already renamed are put back, and the directory is as it was.
  std::vector<std::string> previous(files.size());
  std::vector<bool> absent(files.size(), false);  // no previous file: a rollback removes the new one
  const auto drop_previous = [&] {
    for (const std::string& p : previous)
      if (!p.empty()) ::unlink(p.c_str());
  };
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string path = dir + "/" + files[i].first;
    const std::string keep = dir + "/." + files[i].first + "." + std::to_string(::getpid()) + ".old";
    ::unlink(keep.c_str());
    if (::link(path.c_str(), keep.c_str()) == 0)
      previous[i] = keep;
    else
      absent[i] = errno == ENOENT;
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string path = dir + "/" + files[i].first;
    if (::rename(temporary[i].c_str(), path.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      bool restored = true;
      for (std::size_t k = 0; k < i; ++k) {
        const std::string done = dir + "/" + files[k].first;
        if (absent[k]) {
          ::unlink(done.c_str());
        } else if (!previous[k].empty() && ::rename(previous[k].c_str(), done.c_str()) == 0) {
          previous[k].clear();
        } else {
          restored = false;
        }
      }
      for (std::size_t k = i; k < temporary.size(); ++k) ::unlink(temporary[k].c_str());
      drop_previous();
      return "cannot write " + path + ": " + why + (restored ? "; " + dir + " is as it was" : "; the files before it are new");
    }
  }
  drop_previous();
  return {};
}

}  // namespace plantwin::run
