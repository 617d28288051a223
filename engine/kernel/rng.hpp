#pragma once
/// Random number streams.
///
/// Every random quantity in plantwin is drawn from its own stream. A stream is a xoshiro256**
/// generator (Blackman & Vigna, 2018) whose 256-bit state is filled by SplitMix64 from three
/// numbers: the scenario seed, the replication index and a 64-bit key hashed (FNV-1a) from the
/// stream's name, for example "station/reflow/process". Streams therefore depend on names, not on
/// the order in which models are declared: changing one station leaves the numbers drawn by every
/// other station unchanged (common random numbers), and replication k draws the same numbers
/// whatever other replications run, and wherever.
///
/// Uniforms are the top 53 bits of a 64-bit output times 2^-53, in [0, 1). The algorithms are
/// written out here so that the sequence is the same with any compiler and standard library.

#include <cstdint>
#include <string_view>

namespace plantwin::kernel {

/// FNV-1a, 64 bits, over the bytes of `text`.
constexpr std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// SplitMix64 step: advances `state` and returns the next output.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class RngStream {
 public:
  /// A stream for (seed, replication, name). `name` is hashed; it is not stored.
  RngStream(std::uint64_t seed, std::uint64_t replication, std::string_view name)
      : RngStream(seed, replication, fnv1a64(name)) {}

  RngStream(std::uint64_t seed, std::uint64_t replication, std::uint64_t key) {
    std::uint64_t sm = seed;
    std::uint64_t a = splitmix64(sm);
    sm = a ^ (replication * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
    std::uint64_t b = splitmix64(sm);
    sm = b ^ key;
    for (auto& word : s_) word = splitmix64(sm);
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the all-zero state is a fixed point
  }

  /// Next 64 random bits.
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1), 53 bits of resolution.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform in (0, 1]: safe as the argument of a logarithm.
  double uniform_open0() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace plantwin::kernel
