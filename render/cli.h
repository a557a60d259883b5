/* cli: the command line. Parsing is separate from running, so tests can check what a command
 * line means without any process exiting.
 *
 * Subcommands live in one table in cli.c: adding one is adding a row (name, operands, one line of
 * help, accepted options, handler). A first operand that is no subcommand opens the window. */
#ifndef LOOPVIZ_CLI_H
#define LOOPVIZ_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "export.h"
#include "sim.h"

enum {
  CLI_EXIT_OK = 0,            /* success */
  CLI_EXIT_FAILURE = 1,       /* the command ran and failed (no display, no font, ...) */
  CLI_EXIT_USAGE = 2,         /* the command line was wrong */
  CLI_EXIT_NO_GUI = 4,        /* the drawing module (loopviz-gui.so, gui.h) could not be loaded */
  CLI_EXIT_INTERRUPTED = 130, /* an export stopped by SIGINT or SIGTERM */
};

typedef enum cli_action {
  CLI_HELP = 0,    /* --help: print the help to stdout */
  CLI_VERSION = 1, /* --version: print the version to stdout */
  CLI_USAGE = 2,   /* a usage error: args.error says what */
  CLI_COMMAND = 3, /* run the subcommand args.command */
  CLI_WINDOW = 4,  /* open the window on args.target (NULL: the default scenario) */
} cli_action;

typedef struct cli_command cli_command; /* a row of the subcommand table */

typedef struct cli_args {
  cli_action action;          /* what the command line asks for */
  const cli_command *command; /* the subcommand, for CLI_COMMAND */
  const char *operands[2];    /* operands after the subcommand (or the window's target) */
  int noperands;              /* how many of operands are set */
  const char *target;         /* window: the FILE or NAME operand, or NULL */
  bool target_is_name;        /* window: target has no '/' and no '.', so it may be a NAME */
  const char *font;           /* --font PATH, or NULL */
  bool json;                  /* --json */
  bool lines;                 /* --lines */
  bool disassemble;           /* --disassemble */
  bool gc_stress;             /* --gc-stress */
  const char *mermaid;        /* export: --mermaid OUT ("-" for stdout), or NULL */
  const char *chrome_trace;   /* export: --chrome-trace OUT ("-" for stdout), or NULL */
  exp_args exp;               /* export: the picture options (frames, video, png, svg, ...) */
  sim_limits limits;          /* the --max-* options given; a zero field keeps the default */
  char error[256];            /* for CLI_USAGE: what was wrong, one line */
} cli_args;

/* Reads argv (argv[0] is the program) into *args and returns args->action. Never prints, never
 * exits, never touches the file system. */
cli_action cli_parse(int argc, char *const argv[], cli_args *args);

/* The subcommand's name as typed ("run"). */
const char *cli_command_name(const cli_command *c);

/* Parses and carries out a command line, writing to out and err; returns the exit status. */
int cli_main(int argc, char *const argv[], FILE *out, FILE *err);

#endif
