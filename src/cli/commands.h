#pragma once

namespace mailmig {

// The whole command line: parses argv, runs the command, returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace mailmig
