// The reference tables of docs/ against the parameters the models declare (models/params.hpp):
// every declared key has a row with the declared type, default and range, so docs and code cannot
// drift apart.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/calendar.hpp"
#include "models/operators.hpp"
#include "models/station.hpp"
#include "models/transport_params.hpp"

using namespace plantwin;

namespace {

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|') {
      const auto b = cell.find_first_not_of(' ');
      const auto e = cell.find_last_not_of(' ');
      out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return out;
}

/// Every table row of a docs page, as its cells.
std::vector<std::vector<std::string>> rows(const std::string& page) {
  std::ifstream in(std::string(PLANTWIN_SOURCE_DIR) + "/docs/" + page);
  REQUIRE(in);
  std::vector<std::vector<std::string>> out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("| `", 0) == 0) out.push_back(cells(line));
  return out;
}

template <class S>
void check_page(const std::string& page) {
  const auto table = rows(page);
  models::decl::for_each_field<S>([&](const auto& field) {
    const models::decl::Info& info = field.info;
    const std::string key = "`" + std::string(info.key) + "`";
    const std::string type(std::decay_t<decltype(field)>::TYPE);
    std::string deflt = info.required() ? "required" : std::string(info.deflt);
    if (!info.required() && deflt.find('`') == std::string::npos) deflt = "`" + deflt + "`";
    const std::string range(info.range);
    bool found = false;
    for (const auto& row : table)
      found = found || (row.size() >= 4 && row[0] == key && row[1] == type && row[2] == deflt && row[3] == range);
    INFO("docs/" << page << " needs the row | " << key << " | " << type << " | " << deflt << " | " << range << " | ...");
    CHECK(found);
  });
}

}  // namespace

TEST_CASE("the docs' tables give every declared key its type, default and range", "[docs]") {
  check_page<models::StationParams>("scenario.md");
  check_page<models::FailureParams>("scenario.md");
  check_page<models::MaintenanceParams>("planning.md");
  check_page<models::CalendarParams>("planning.md");
  check_page<models::OperatorPoolParams>("planning.md");
  check_page<models::RejectsParams>("planning.md");
  check_page<models::BatchParams>("planning.md");
  check_page<models::FleetParams>("transport.md");
  check_page<models::BatteryParams>("transport.md");
  check_page<models::ConveyorParams>("transport.md");
  check_page<models::ArmParams>("transport.md");
}
