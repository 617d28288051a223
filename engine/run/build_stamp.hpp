#pragma once
/// Which sources this program was built from: a hash of every .cpp and .hpp under engine/,
/// generated at build time (cmake/build_stamp.cmake). The Python module and the run server it
/// starts (the CLI's executable) must carry the same one: a server built from other sources
/// could answer with other results (run/run_server.hpp).

namespace plantwin::run {

const char* build_stamp();

}  // namespace plantwin::run
