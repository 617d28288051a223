#include "run/runner.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <system_error>
#include <thread>

#include "run/process_runner.hpp"

namespace plantwin::run {

int effective_jobs(int jobs, int replications) {
  int j = jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, std::min(j, replications));
}

void finish_outcome(RunOutcome& outcome) {
  // Report the lowest-numbered failure: the same message whatever the number of jobs. A failure
  // says more than an interruption, which may have cut other replications short.
  const std::size_t n = outcome.replications.size();
  for (std::size_t k = 0; k < n && outcome.ok; ++k) {
    const auto& r = outcome.replications[k];
    if (r.status == kernel::Kernel::Status::FAILED) {
      outcome.ok = false;
      outcome.error = "replication " + std::to_string(k) + ": " + r.failure;
    }
  }
  for (std::size_t k = 0; k < n && outcome.ok; ++k) {
    if (outcome.replications[k].status == kernel::Kernel::Status::INTERRUPTED) {
      outcome.ok = false;
      outcome.interrupted = true;
      outcome.error = "interrupted";
    }
  }
}

RunOutcome run_replications(const models::PlantParams& params, const RunConfig& config) {
  // SimGrid's engine is one per process: a plant with a network runs each replication in its own.
  if (params.network) return run_replications_in_processes(params, config);
  const auto start = std::chrono::steady_clock::now();
  RunOutcome outcome;
  const auto n = static_cast<std::size_t>(config.replications);
  outcome.replications.resize(n);
  std::vector<std::string> errors(n);
  std::atomic<std::size_t> next{0};

  auto worker = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= n) return;
      try {
        models::Plant plant(params, config.seed, k);
        if (k == 0 && config.on_first_plant) config.on_first_plant(plant);
        if (k == 0 && config.record_timeline) plant.record_timeline();
        if (config.warm_start != nullptr) plant.warm_start(*config.warm_start);
        outcome.replications[k] = plant.run(config.warmup, config.horizon, config.interrupt);
        if (k == 0 && config.on_first_plant_done) config.on_first_plant_done();
      } catch (const std::bad_alloc&) {
        outcome.replications[k].status = kernel::Kernel::Status::FAILED;
        outcome.replications[k].failure = "out of memory";
      } catch (const std::exception& e) {
        outcome.replications[k].status = kernel::Kernel::Status::FAILED;
        outcome.replications[k].failure = e.what();
      }
    }
  };
  const int jobs = effective_jobs(config.jobs, config.replications);
  std::vector<std::thread> threads;
  // A thread that cannot start (a memory limit, too many processes) leaves its share to the
  // others: the results are the same with fewer threads.
  try {
    for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
  } catch (const std::system_error&) {
  }
  worker();
  for (auto& t : threads) t.join();

  finish_outcome(outcome);
  outcome.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

}  // namespace plantwin::run
