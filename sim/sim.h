/* sim: the public entry point of the simulation core.
 *
 * A scenario is compiled and run on a virtual clock. Everything it would
 * print goes through callbacks; the simulator never writes to stdout or
 * stderr itself and never touches files other than the one it is asked to
 * read (sim_run_file). */
#ifndef LOOPVIZ_SIM_H
#define LOOPVIZ_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sim_status {
  SIM_OK = 0,       /* the program ran to the end; python3 would exit 0 */
  SIM_ERROR = 1,    /* syntax error, uncaught exception or limit; python3 exits 1 */
  SIM_IO_ERROR = 3, /* the scenario file could not be read */
} sim_status;

typedef void (*sim_write_fn)(void *user, const char *text, size_t len);

typedef struct trace trace; /* trace.h */

typedef struct sim_limits {
  uint64_t max_instructions; /* bytecode instructions executed in one run */
  uint64_t max_memory;       /* bytes allocated for objects at once */
  int max_recursion;         /* Python call depth before RecursionError */
  double max_virtual_time;   /* seconds on the virtual clock */
  uint64_t max_tasks;        /* asyncio tasks created in one run */
  size_t max_source;         /* bytes of scenario source */
  int max_nesting;           /* brackets, blocks and expressions nested in the source (parser) */
  int max_line_length;       /* bytes in one source line (lexer) */
} sim_limits;

typedef struct sim_options {
  sim_write_fn out;  /* the program's output (print); may be NULL */
  sim_write_fn err;  /* tracebacks, warnings, diagnostics; may be NULL */
  void *user;        /* passed back to out and err */
  sim_limits limits; /* hard limits, see sim_options_init for defaults */
  bool disassemble;  /* write the compiled bytecode on err before running */
  bool gc_stress;    /* collect garbage at every safe point, not only when due (tests) */
  trace *trace;      /* when set, every scheduling event is recorded here (trace.h) */
} sim_options;

/* Fills *o with NULL callbacks and the default limits. */
void sim_options_init(sim_options *o);

/* Copies every nonzero field of given into *l: the limits a user asked for (a command line's
 * --max-* options) over a caller's own defaults; a zero field of given keeps *l's. */
void sim_limits_override(sim_limits *l, const sim_limits *given);

/* Compiles and runs one scenario held in memory. filename is used in
 * messages only. */
sim_status sim_run_source(const sim_options *o, const char *filename, const char *src, size_t len);

/* Reads path and runs it as sim_run_source does. */
sim_status sim_run_file(const sim_options *o, const char *path);

#endif
