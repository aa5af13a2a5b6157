#include <iostream>

#include "cli/command.h"

int main(int argc, char** argv) { return diffrecon::cli::run(argc, argv, std::cout, std::cerr); }
