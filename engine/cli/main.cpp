#include <cstdio>

int main() {
  std::fputs("plantwin: the command line is being built\n", stderr);
  return 2;
}
