/* loopviz: the executable. Everything happens in cli_main, so tests can drive it too. */
#include "cli.h"

int main(int argc, char *argv[]) { return cli_main(argc, argv, stdout, stderr); }
