#include "cli/view.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/commands.hpp"

namespace plantwin::cli {

int command_view(const std::vector<std::string>& args) {
  const char* env = std::getenv("PLANTWIN_PYTHON");
  const std::string python = env != nullptr && *env != '\0' ? env : "/usr/bin/python3";
  // The package beside this build comes first, so the page matches this engine; when the
  // checkout moved, an installed package (scripts/bootstrap.sh's plantwin.pth) is found instead.
  const std::string package_dir = PLANTWIN_PYTHON_DIR;
  struct stat info {};
  if (::stat((package_dir + "/plantwin/__main__.py").c_str(), &info) == 0) {
    const char* old = std::getenv("PYTHONPATH");
    const std::string path = old != nullptr && *old != '\0' ? package_dir + ":" + old : package_dir;
    ::setenv("PYTHONPATH", path.c_str(), 1);
  }
  std::vector<std::string> words{python, "-m", "plantwin"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::cout.flush();
  ::execv(python.c_str(), argv.data());
  std::cerr << "plantwin: error: view: cannot run " << python << ": " << std::strerror(errno)
            << " (plantwin view needs Python 3 with the plantwin package: scripts/bootstrap.sh; "
               "PLANTWIN_PYTHON names another interpreter)\n";
  return EXIT_RUN;
}

}  // namespace plantwin::cli
