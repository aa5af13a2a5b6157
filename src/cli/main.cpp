#include <iostream>

#include "cli/command.h"
#include "core/memory.h"

int main(int argc, char** argv) {
  diffrecon::retain_freed_memory();
  return diffrecon::cli::run(argc, argv, std::cout, std::cerr);
}
