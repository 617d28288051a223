#pragma once
/// The few SimGrid operations the network layer uses, behind an interface without SimGrid types.
/// The implementation (simgrid_backend.cpp, the only file of plantwin that includes SimGrid) is
/// a module of its own, libplantwin_simgrid.so, that the network layer loads the first time a
/// process simulates a network: loading Debian's libsimgrid (which links ns-3) costs about
/// 0.1 s, and a process that simulates no network never pays it.
///
/// Dates are SimGrid's: seconds as doubles. Activities are named by the caller's slot number.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "network/platform.hpp"

namespace plantwin::network {

class Backend {
 public:
  virtual ~Backend() = default;

  /// Builds the platform: one host per Platform::Host, one link per channel (no latency), one
  /// route per Platform::Route. Called once.
  virtual void build(const Platform& platform) = 0;
  /// SimGrid's clock, s.
  virtual double clock() const = 0;
  /// Calls `callback` at `date` (>= clock()) from inside run(). The handle is valid until the
  /// timer fires or is removed.
  virtual void* set_timer(double date, std::function<void()> callback) = 0;
  virtual void remove_timer(void* timer) = 0;
  /// Starts sending `bytes` (a fraction of a byte included: the rest of a transfer the network
  /// layer carried alone) over route `route` now; its end is reported with `slot`.
  virtual void start_transfer(std::uint32_t slot, RouteIndex route, double bytes) = 0;
  /// Starts `work` core-seconds on `host` now; its end is reported with `slot`.
  virtual void start_compute(std::uint32_t slot, HostIndex host, double work) = 0;
  /// What is left of the activity of `slot`: bytes or core-seconds.
  virtual double remaining(std::uint32_t slot) const = 0;
  /// Cancels the activity of `slot`; its end is not reported.
  virtual void cancel(std::uint32_t slot) = 0;
  virtual void set_link_on(ChannelIndex channel, bool on) = 0;
  /// Told at every activity's end, once: `ok` is false when it failed (a link went off under it).
  virtual void on_end(std::function<void(std::uint32_t slot, bool ok, double remaining)> callback) = 0;
  /// Runs SimGrid until nothing is left to do: no timer, no activity.
  virtual void run() = 0;
};

/// The module's entry point, `plantwin_network_backend`: makes the backend (SimGrid's engine,
/// configured) or throws. `log` is a SimGrid log setting ("root.thresh:critical" keeps it quiet).
using MakeBackend = Backend* (*)(const char* log);

/// The file the engine's code was loaded from: the executable (the CLI, the tests) or the shared
/// object it is linked into (Python's _plantwin). Found by the address of a function, not by a
/// path compiled in: a build directory under /tmp may be gone, and anyone could create it again
/// with code of their own. Files that go with the engine (the SimGrid module, Python's run
/// server) are looked for beside it. Empty when it cannot be known.
std::string engine_file();
/// `name` in engine_file()'s directory; empty when that is unknown (never a bare name, which
/// dlopen or exec would look for on a search path).
std::string beside_engine(const std::string& name);

/// Loads the module (once per process) and makes a backend. The module is the file named by
/// $PLANTWIN_NETWORK_MODULE, else libplantwin_simgrid.so beside the file the engine runs from:
/// the executable (the CLI, the tests) or the shared library it is linked into (Python's
/// _plantwin module). Never a path compiled in, nor a search of the library path. Throws
/// std::runtime_error with the loader's message when it cannot be loaded.
std::unique_ptr<Backend> make_backend(const std::string& log);

/// Loads the module now if it is not loaded yet (same search and errors as make_backend). A
/// process that forks one child per replication calls it first: loading SimGrid costs ~0.1 s,
/// paid once in the parent instead of in every child. It makes no SimGrid engine.
void load_backend_module();

}  // namespace plantwin::network
