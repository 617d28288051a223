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

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

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

std::size_t file_size(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::size_t>(size);
}

/// The previous run's files in an --out directory, to check that a failed run leaves them.
std::vector<std::pair<std::string, std::string>> snapshot(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : fs::directory_iterator(dir)) files.emplace_back(e.path().filename().string(), read_text(e.path().string()));
  std::sort(files.begin(), files.end());
  return files;
}

/// Runs `plantwin ARGS` through sh from the source directory, with `prefix` before it (a ulimit)
/// and stdout where ARGS redirect it (else /dev/null): the exit code (-1 for a signal) and stderr.
std::pair<int, std::string> shell(const TempDir& dir, const std::string& args, const std::string& prefix = "") {
  const std::string cmd = prefix + "cd '" PLANTWIN_SOURCE_DIR "' && '" PLANTWIN_CLI "' " + args +
                          (args.find('>') == std::string::npos ? " >/dev/null" : "") + " 2>'" + dir / "stderr" + "'";
  const int status = std::system(("sh -c \"" + cmd + "\"").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(dir / "stderr")};
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

TEST_CASE("SIGTERM stops a run with replication processes like Ctrl-C: exit 3 and a message", "[cli][faults]") {
  const TempDir dir("sigterm_network");
  std::vector<pid_t> children;
  const Background run = endless_network_run(dir, children);
  ::kill(run.pid, SIGTERM);
  const int status = wait_for(run.pid, 10);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK(read_text(run.err) == "plantwin: error: scenarios/examples/edge_inspection.yaml: interrupted (SIGTERM)\n");
  CHECK(all_end(children, 1));
}

TEST_CASE("SIGTERM and SIGHUP leave complete trace lines and the previous --out files", "[cli][faults]") {
  for (const int signal : {SIGTERM, SIGHUP}) {
    const TempDir dir("sigterm_" + std::to_string(signal));
    fs::create_directories(dir / "out");
    write_text(dir / "out/result.json", "{\"previous\": true}\n");
    write_text(dir / "out/stations.csv", "previous\n");
    const auto before = snapshot(dir / "out");
    const Background run = start_cli({"run", "scenarios/smt_line.yaml", "--horizon", "36000d", "--replications", "2",
                                      "--trace", dir / "trace.csv", "--out", dir / "out"},
                                     dir);
    // Interrupted while the trace is being written (more than one buffer of it), not before.
    const auto until = Clock::now() + std::chrono::seconds(10);
    while (file_size(dir / "trace.csv") < 200'000 && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(run.pid, signal);
    const int status = wait_for(run.pid, 10);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 3);
    CHECK_THAT(read_text(run.err), Catch::Contains(signal == SIGTERM ? "interrupted (SIGTERM)" : "interrupted (SIGHUP)"));
    const std::string trace = read_text(dir / "trace.csv");
    REQUIRE(trace.size() >= 200'000);
    CHECK(trace.back() == '\n');
    // The last line is a whole event: time, model, event, argument.
    const std::string last = trace.substr(trace.rfind('\n', trace.size() - 2) + 1);
    CHECK(std::count(last.begin(), last.end(), ',') == 3);
    CHECK(snapshot(dir / "out") == before);
  }
}

TEST_CASE("a full device fails the run with exit 3 and the reason, even when a child writes the trace", "[cli][faults]") {
  const TempDir dir("dev_full");
  // With a network, replication 0 (and its trace) runs in a child process.
  auto [code, err] = shell(dir, "run scenarios/examples/edge_inspection.yaml --replications 1 --horizon 1h --trace /dev/full");
  CHECK(code == 3);
  CHECK_THAT(err, Catch::Contains("cannot write the trace") && Catch::Contains("No space left on device"));
  std::tie(code, err) = shell(dir, "run scenarios/examples/two_stations.yaml --trace /dev/full");
  CHECK(code == 3);
  CHECK_THAT(err, Catch::Contains("cannot write the trace") && Catch::Contains("No space left on device"));
  // Standard output on a full device: every command says so.
  for (const char* command : {"run scenarios/examples/two_stations.yaml --json", "run scenarios/examples/two_stations.yaml",
                              "validate scenarios/examples/two_stations.yaml", "--version"}) {
    std::tie(code, err) = shell(dir, std::string(command) + " >/dev/full");
    CHECK(code == 3);
    CHECK(err == "plantwin: error: cannot write to standard output: No space left on device\n");
  }
}

TEST_CASE("a run whose --out does not fit on the disk writes nothing and keeps the previous files", "[cli][faults]") {
  const TempDir dir("full_disk");
  const std::string out = dir / "disk/out";
  fs::create_directories(dir / "disk");
  // A small tmpfs is a real full disk; where mounting is not allowed (no root in a container), a
  // file size limit makes the same writes fail (EFBIG instead of ENOSPC).
  const bool mounted = ::mount("tmpfs", (dir / "disk").c_str(), "tmpfs", 0, "size=64k") == 0;
  struct Unmount {
    bool mounted;
    std::string at;
    ~Unmount() {
      if (mounted) ::umount(at.c_str());
    }
  } unmount{mounted, dir / "disk"};
  auto [code, err] = shell(dir, "run scenarios/examples/two_stations.yaml --out '" + out + "'");
  REQUIRE(code == 0);
  const auto before = snapshot(out);
  REQUIRE(before.size() == 4);
  if (mounted) write_text(dir / "disk/filler", std::string(40'000, 'x'));  // leaves less than the new result.json
  // The flagship's result document (33 kB) does not fit.
  std::tie(code, err) = shell(dir, "run scenarios/smt_line.yaml --replications 2 --out '" + out + "'",
                              mounted ? "" : "trap '' XFSZ; ulimit -f 16; ");
  CHECK(code == 3);
  CHECK_THAT(err, Catch::StartsWith("plantwin: error: --out: cannot write " + out + "/") &&
                      (Catch::Contains("No space left on device") || Catch::Contains("File too large")));
  CHECK(snapshot(out) == before);  // no temporary file left either
}

TEST_CASE("running out of memory is exit 3 with a message, never an abort", "[cli][faults]") {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer reserves terabytes of address space for its shadow memory: under any
  // `ulimit -v` the sanitized program cannot even start.
  WARN("skipped in the sanitized build: ulimit -v leaves AddressSanitizer no room");
  return;
#endif
  const TempDir dir("memory");
  const auto line = [&](int stations) {
    std::string text = "plantwin: 1\nname: wide\nhorizon: 1s\nproducts:\n  - id: p\n    route: [";
    for (int i = 0; i < stations; ++i) text += (i ? ", s" : "s") + std::to_string(i);
    text += "]\nsources: [{id: src, product: p, interarrival: 60s}]\nstations:\n";
    for (int i = 0; i < stations; ++i) text += "  - {id: s" + std::to_string(i) + ", process: 1s}\n";
    return text;
  };
  write_text(dir / "wide.yaml", line(1000));
  write_text(dir / "long.yaml", line(100'000));
  // 1,000 stations and 1,000 replications: a result document of about 1 GB.
  auto [code, err] = shell(dir, "run '" + dir / "wide.yaml" + "' --replications 1000 --jobs 2", "ulimit -v 400000; ");
  CHECK(code == 3);
  CHECK_THAT(err, Catch::StartsWith("plantwin: error: ") && Catch::Contains("out of memory while"));
  // 100 MB hold the program and a small file, not the YAML of 100,000 stations (220 MB).
  std::tie(code, err) = shell(dir, "validate '" + dir / "wide.yaml" + "'", "ulimit -v 100000; ");
  CHECK(code == 0);
  std::tie(code, err) = shell(dir, "validate '" + dir / "long.yaml" + "'", "ulimit -v 100000; ");
  CHECK(code == 3);
  CHECK(err == "plantwin: error: out of memory while validating " + dir / "long.yaml" + "\n");
}

TEST_CASE("the network module is loaded from beside the program, never from the build directory", "[cli][faults]") {
  // A copy of the program elsewhere has no module beside it: it says where it looked, and a
  // directory that once held the build cannot be used to load other code.
  const TempDir dir("module");
  fs::copy_file(PLANTWIN_CLI, dir / "plantwin");
  ::chmod((dir / "plantwin").c_str(), 0755);
  const std::string run = "run scenarios/examples/edge_inspection.yaml --replications 1 --horizon 10min";
  const std::string elsewhere = "cd '" PLANTWIN_SOURCE_DIR "' && env -u PLANTWIN_NETWORK_MODULE '" + dir / "plantwin" + "' " + run +
                                " >/dev/null 2>'" + dir / "err" + "'";
  int status = std::system(elsewhere.c_str());
  CHECK(WEXITSTATUS(status) == 3);
  CHECK_THAT(read_text(dir / "err"), Catch::Contains("cannot load plantwin's network module (SimGrid) '" + dir / "libplantwin_simgrid.so'"));
  // Beside it, it is found.
  fs::copy_file(fs::path(PLANTWIN_CLI).parent_path() / "libplantwin_simgrid.so", dir / "libplantwin_simgrid.so");
  status = std::system(elsewhere.c_str());
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("an overloaded link stops the run early and says so", "[cli][faults]") {
  // The cameras offer 107 % of the uplink: validate warns, and the run stops within seconds
  // (without the check, one simulated hour took 72 s and the scenario hours).
  const TempDir dir("overload");
  auto [code, err] = shell(dir, "validate scenarios/examples/edge_inspection.yaml --set messages.video.every.mean=1.5s");
  CHECK(code == 0);
  CHECK_THAT(err, Catch::Contains("warning: network.links[0]: the periodic flows 'video' alone offer 213.333 Mbit/s on "
                                  "average to link 'radio' (uplink), 107 % of its 200 Mbit/s"));
  const auto start = Clock::now();
  std::tie(code, err) = shell(dir, "run scenarios/examples/edge_inspection.yaml --set messages.video.every.mean=1.5s --replications 1");
  CHECK(Clock::now() - start < std::chrono::seconds(30));
  CHECK(code == 3);
  CHECK_THAT(err, Catch::Contains("replication 0: overloaded link: 500 or more messages have been crossing 'radio/uplink'"));
}

TEST_CASE("a link that would fail, or a flow that would send, more than 1e11 times in a replication is refused", "[cli][faults]") {
  // `mtbf: 1ns` (for 1h) ran for days; so would a station's failures or maintenance, or a source's
  // parts, at such a rate (test_loader_errors.cpp).
  const TempDir dir("link_mtbf");
  const auto [code, err] =
      shell(dir, "validate scenarios/examples/edge_inspection.yaml --set 'network.links.lan.failures={mtbf: 1ns, mttr: 0s}'");
  CHECK(code == 2);
  CHECK(err == "--set[1]:1:35: error: network.links[2].failures.mtbf: a failure every 1e-09s on average (mtbf + mttr) "
               "is 3.06e+13 failures of the link in one replication of 30600s (warmup + horizon); more than 1e11 would "
               "take hours or days: is the unit right?\n");
  // A periodic flow's messages too (the backlog check stops it only when the network cannot carry them).
  const auto [flow_code, flow_err] = shell(dir, "validate scenarios/examples/edge_inspection.yaml --set messages.video.every=100ns");
  CHECK(flow_code == 2);
  CHECK(flow_err == "--set[1]:1:22: error: messages[1].every: a message every 1e-07s on average (every) is 3.06e+11 "
                    "messages of each sender in one replication of 30600s (warmup + horizon); more than 1e11 would take "
                    "hours or days: is the unit right?\n");
}

TEST_CASE("a closed pipe and a file size limit are write errors with exit 3, not signals", "[cli][faults]") {
  const TempDir dir("sigpipe_xfsz");
  // The reader of its standard output is gone before plantwin writes (a real closed pipe: `head`
  // that has read enough).
  const std::string rc = dir / "rc", stderr_path = dir / "stderr";
  const std::string cmd = "cd '" PLANTWIN_SOURCE_DIR "' && { '" PLANTWIN_CLI
                          "' run scenarios/examples/two_stations.yaml --replications 50 --json 2>'" + stderr_path + "'; echo $? >'" +
                          rc + "'; } | (exec 0<&-; sleep 0.5)";
  REQUIRE(std::system(cmd.c_str()) != -1);
  CHECK(read_text(rc) == "3\n");
  CHECK(read_text(stderr_path) == "plantwin: error: cannot write to standard output: Broken pipe\n");
  int code = 0;
  std::string err;
  // Without `trap '' XFSZ`: the limit must not kill the run and leave its temporary file.
  const std::string out = dir / "out";
  std::tie(code, err) = shell(dir, "run scenarios/examples/two_stations.yaml --out '" + out + "'");
  REQUIRE(code == 0);
  const auto before = snapshot(out);
  std::tie(code, err) = shell(dir, "run scenarios/smt_line.yaml --replications 2 --out '" + out + "'", "ulimit -f 16; ");
  CHECK(code == 3);
  CHECK_THAT(err, Catch::Contains("File too large"));
  CHECK(snapshot(out) == before);
}
