#include <cstdio>

#include "src/cli/commands.h"

int main(int argc, char** argv) { return mailmig::run_cli(argc, argv); }
