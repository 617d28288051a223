#pragma once
/// The event trace of one replication as CSV: one line per executed event,
///   time_s,model,event,arg
/// e.g. `125.5,station/reflow,end_work,0` (arg: the server index for stations).

#include <ostream>

#include "kernel/kernel.hpp"
#include "models/plant.hpp"

namespace plantwin::run {

class CsvTrace final : public kernel::TraceSink {
 public:
  /// Attaches itself to `plant`'s kernel and writes the header line. It is called only while that
  /// plant runs, so it may outlive the plant. When `out` goes bad (a full disk), the run fails
  /// with "cannot write the trace: REASON" (run/output_file.hpp gives the reason).
  CsvTrace(models::Plant& plant, std::ostream& out);
  CsvTrace(const CsvTrace&) = delete;
  CsvTrace& operator=(const CsvTrace&) = delete;
  void on_event(const kernel::Event& event) override;

 private:
  kernel::Kernel& kernel_;
  std::ostream& out_;
};

}  // namespace plantwin::run
