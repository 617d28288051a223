#include "run/trace.hpp"

#include "run/json.hpp"

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
}

}  // namespace plantwin::run
