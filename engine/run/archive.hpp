#pragma once
/// A minimal binary archive, to carry a replication's measures from a child process (a
/// replication that uses SimGrid runs in its own process) to the parent, bit for bit.
///
/// A struct takes part by listing its fields once:
///   template <class A> void serialize(A& a) { a(count, mean, values); }
/// The same function writes (ArchiveWriter) and reads (ArchiveReader). Supported: arithmetic
/// types and enums (host byte order: both ends are the same program on the same machine),
/// std::string, std::vector, std::array, std::optional, std::pair, and structs with serialize().
/// A reader that runs out of bytes or meets an impossible size throws ArchiveError.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace plantwin::run {

struct ArchiveError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ArchiveWriter {
 public:
  template <class... T>
  void operator()(const T&... values) {
    (write(values), ...);
  }
  const std::string& bytes() const { return out_; }

 private:
  template <class T>
  void write(const T& v) {
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      out_.append(reinterpret_cast<const char*>(&v), sizeof v);
    } else if constexpr (requires(T& t, ArchiveWriter& w) { t.serialize(w); }) {
      // serialize() both reads and writes, so it is not const; writing does not change v.
      const_cast<T&>(v).serialize(*this);
    } else {
      write_container(v);
    }
  }
  void write_container(const std::string& s) {
    write(static_cast<std::uint64_t>(s.size()));
    out_.append(s);
  }
  template <class T>
  void write_container(const std::vector<T>& v) {
    write(static_cast<std::uint64_t>(v.size()));
    for (const auto& x : v) write(x);
  }
  template <class T, std::size_t N>
  void write_container(const std::array<T, N>& v) {
    for (const auto& x : v) write(x);
  }
  template <class T>
  void write_container(const std::optional<T>& v) {
    write(static_cast<std::uint8_t>(v.has_value()));
    if (v) write(*v);
  }
  template <class A, class B>
  void write_container(const std::pair<A, B>& v) {
    write(v.first);
    write(v.second);
  }
  std::string out_;
};

class ArchiveReader {
 public:
  explicit ArchiveReader(std::string_view bytes) : in_(bytes) {}
  template <class... T>
  void operator()(T&... values) {
    (read(values), ...);
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  template <class T>
  void read(T& v) {
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      take(&v, sizeof v);
    } else if constexpr (requires(T& t, ArchiveReader& r) { t.serialize(r); }) {
      v.serialize(*this);
    } else {
      read_container(v);
    }
  }
  std::size_t read_size(std::size_t min_element_bytes) {
    std::uint64_t n = 0;
    read(n);
    if (n > (in_.size() - pos_) / (min_element_bytes == 0 ? 1 : min_element_bytes))
      throw ArchiveError("archive: a size of " + std::to_string(n) + " exceeds the bytes left");
    return static_cast<std::size_t>(n);
  }
  void read_container(std::string& s) {
    const std::size_t n = read_size(1);
    s.assign(in_.substr(pos_, n));
    pos_ += n;
  }
  template <class T>
  void read_container(std::vector<T>& v) {
    const std::size_t n = read_size(std::is_arithmetic_v<T> ? sizeof(T) : 1);
    v.clear();
    v.resize(n);
    for (auto& x : v) read(x);
  }
  template <class T, std::size_t N>
  void read_container(std::array<T, N>& v) {
    for (auto& x : v) read(x);
  }
  template <class T>
  void read_container(std::optional<T>& v) {
    std::uint8_t has = 0;
    read(has);
    if (has) {
      T x{};
      read(x);
      v = std::move(x);
    } else {
      v.reset();
    }
  }
  template <class A, class B>
  void read_container(std::pair<A, B>& v) {
    read(v.first);
    read(v.second);
  }
  void take(void* dst, std::size_t n) {
    if (in_.size() - pos_ < n) throw ArchiveError("archive: truncated");
    std::memcpy(dst, in_.data() + pos_, n);
    pos_ += n;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace plantwin::run
