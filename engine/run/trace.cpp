#include "run/trace.hpp"

#include "run/json.hpp"
#include "run/output_file.hpp"

namespace plantwin::run {

CsvTrace::CsvTrace(models::Plant& plant, std::ostream& out) : kernel_(plant.kernel()), out_(out) {
  kernel_.set_trace(this);
  out_ << "time_s,model,event,arg\n";
}

void CsvTrace::on_event(const kernel::Event& event) {
  const char* name = kernel_.model(event.target).event_name(event.kind);
  out_ << format_number(kernel::to_seconds(event.time)) << ',' << kernel_.model_name(event.target) << ',';
  if (name != nullptr)
    out_ << name;
  else
    out_ << event.kind;
  out_ << ',' << event.arg << '\n';
  // A full disk stops the run at once rather than simulate on and lose the rest of the trace.
  if (!out_) kernel_.fail("cannot write the trace: " + write_error(out_));
}

}  // namespace plantwin::run
