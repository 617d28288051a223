// Faults as a user meets them, on the real plantwin binary: a signal to the process, a full disk,
// a memory limit, a parent killed while its replication processes run. docs/cli.md#faults says
// what each one does.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "cli_support.hpp"

using namespace plantwin::testing;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

/// A directory of its own for one test, removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() / ("plantwin_faults_" + std::to_string(::getpid()) + "_" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

/// The plantwin binary started in the background from the source directory, its output in files.
struct Background {
  pid_t pid = -1;
  std::string out, err;
};

Background start_cli(const std::vector<std::string>& args, const TempDir& dir) {
  Background b{-1, dir / "stdout", dir / "stderr"};
  b.pid = ::fork();
  REQUIRE(b.pid >= 0);
  if (b.pid == 0) {
    if (::chdir(PLANTWIN_SOURCE_DIR) != 0) ::_exit(127);
    const int out = ::open(b.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(b.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv{const_cast<char*>(PLANTWIN_CLI)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(PLANTWIN_CLI, argv.data());
    ::_exit(127);
  }
  return b;
}

/// Waits up to `seconds` for `pid` to end; its wait status, or -1 (then it is killed).
int wait_for(pid_t pid, double seconds) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  int status = 0;
  while (Clock::now() < until) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

/// The processes whose parent is `parent`, from /proc.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return out;
  while (const dirent* e = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back(pid);
  }
  ::closedir(proc);
  return out;
}

/// Whether `pid` still runs (a zombie has ended: it only waits to be reaped).
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

/// Waits up to `seconds` for `pid` to have `n` children (at most); returns them.
std::vector<pid_t> wait_for_children(pid_t pid, std::size_t n, double seconds) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  std::vector<pid_t> kids;
  while (Clock::now() < until && (kids = children_of(pid)).size() < n)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return kids;
}

/// Whether every one of `pids` has ended within `seconds`.
bool all_end(const std::vector<pid_t>& pids, double seconds) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    bool any = false;
    for (pid_t p : pids) any = any || running(p);
    if (!any) return true;
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

/// A network run that would take hours, once its two replication processes run.
Background endless_network_run(const TempDir& dir, std::vector<pid_t>& children) {
  const Background run = start_cli({"run", "scenarios/examples/edge_inspection.yaml", "--jobs", "2", "--replications", "4",
                                    "--horizon", "36000d", "--warmup", "0"},
                                   dir);
  children = wait_for_children(run.pid, 2, 10);
  REQUIRE(children.size() == 2);
  return run;
}

}  // namespace

TEST_CASE("killing plantwin with SIGKILL leaves no replication process behind", "[cli][faults]") {
  const TempDir dir("sigkill");
  std::vector<pid_t> children;
  const Background run = endless_network_run(dir, children);
  ::kill(run.pid, SIGKILL);
  CHECK(wait_for(run.pid, 5) != -1);
  // They die with their parent (PR_SET_PDEATHSIG), not hours later.
  CHECK(all_end(children, 3));
}
