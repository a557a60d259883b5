/* cli: the option and subcommand tables, the parser over them, and the handlers. */
#define _POSIX_C_SOURCE 200809L /* open, fsync, getpid for export's atomic writes */

#include "cli.h"

#include "export.h"
#include "gui.h"
#include "parse.h"
#include "paths.h"
#include "scenarios.h"
#include "sim.h"
#include "trace.h"
#include "traceout.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LOOPVIZ_VERSION
#define LOOPVIZ_VERSION "unknown"
#endif

typedef enum cli_option_id {
  OPT_HELP = 1u << 0,    /* -h, --help */
  OPT_VERSION = 1u << 1, /* -V, --version */
  OPT_FONT = 1u << 2,    /* --font PATH */
  OPT_JSON = 1u << 3,    /* --json */
  OPT_LINES = 1u << 4,   /* --lines */
  OPT_DISASM = 1u << 5,  /* --disassemble */
  OPT_MERMAID = 1u << 6, /* --mermaid OUT */
  OPT_CHROME = 1u << 7,  /* --chrome-trace OUT */
  OPT_FRAMES = 1u << 8,   /* --frames DIR */
  OPT_VIDEO = 1u << 9,    /* --video OUT */
  OPT_PNG = 1u << 10,     /* --png OUT */
  OPT_SVG = 1u << 11,     /* --svg OUT */
  OPT_FPS = 1u << 12,     /* --fps N */
  OPT_SIZE = 1u << 13,    /* --size WxH */
  OPT_THEME = 1u << 14,   /* --theme NAME */
  OPT_STEP_MS = 1u << 15, /* --step-ms N */
  OPT_FROM = 1u << 16,    /* --from STEP */
  OPT_TO = 1u << 17,      /* --to STEP */
  OPT_STEP = 1u << 18,    /* --step N */
  OPT_DIAGRAM = 1u << 19, /* --diagram-only */
  OPT_FORCE = 1u << 20,   /* --force */
  OPT_MAX_INSTRUCTIONS = 1u << 21, /* --max-instructions N */
  OPT_MAX_MEMORY = 1u << 22,       /* --max-memory MB */
  OPT_MAX_RECURSION = 1u << 23,    /* --max-recursion N */
  OPT_MAX_TIME = 1u << 24,         /* --max-time SECONDS */
  OPT_MAX_SOURCE = 1u << 25,       /* --max-source BYTES */
  OPT_MAX_NESTING = 1u << 26,      /* --max-nesting N */
  OPT_MAX_LINE = 1u << 27,         /* --max-line-length N */
  OPT_GC_STRESS = 1u << 28,        /* --gc-stress */
  OPT_MAX_TASKS = 1u << 29,        /* --max-tasks N */
} cli_option_id;

typedef struct cli_option {
  cli_option_id id;       /* which option */
  const char *long_name;  /* "--font" */
  const char *short_name; /* "-h", or NULL */
  const char *value;      /* name of its value for help ("PATH"), or NULL if it takes none */
  const char *summary;    /* one line for --help */
} cli_option;

static const cli_option options[] = {
    {OPT_FONT, "--font", NULL, "PATH",
     "draw all text with this font file instead of DejaVu found through fontconfig"},
    {OPT_JSON, "--json", NULL, NULL, "trace: one JSON object per event (JSON Lines)"},
    {OPT_LINES, "--lines", NULL, NULL, "trace: also record the line each task is at, per statement"},
    {OPT_DISASM, "--disassemble", NULL, NULL, "run: print the compiled bytecode on stderr first"},
    {OPT_GC_STRESS, "--gc-stress", NULL, NULL,
     "run: collect garbage at every chance (slow; tests the collector)"},
    {OPT_MERMAID, "--mermaid", NULL, "OUT",
     "export: a mermaid sequence diagram of the run to OUT ('-': stdout)"},
    {OPT_CHROME, "--chrome-trace", NULL, "OUT",
     "export: a Chrome/Perfetto trace (JSON) of the run to OUT ('-': stdout)"},
    {OPT_FRAMES, "--frames", NULL, "DIR",
     "export: the animation as DIR/frame_00001.png ... and DIR/frames.tsv"},
    {OPT_VIDEO, "--video", NULL, "OUT", "export: the animation as OUT.mp4, .webm or .gif (ffmpeg)"},
    {OPT_PNG, "--png", NULL, "OUT", "export: a still of one step (--step) as OUT.png"},
    {OPT_SVG, "--svg", NULL, "OUT", "export: the whole diagram as OUT.svg, with real text"},
    {OPT_FPS, "--fps", NULL, "N", "export: frames per second (default 30)"},
    {OPT_SIZE, "--size", NULL, "WxH", "export: frame size in pixels (default 1920x1080)"},
    {OPT_THEME, "--theme", NULL, "NAME",
     "window and export: assets/themes/NAME.theme (light, dark, classroom)"},
    {OPT_STEP_MS, "--step-ms", NULL, "N", "export: milliseconds each step is shown (default 800)"},
    {OPT_FROM, "--from", NULL, "STEP", "export: first step of the animation (default 0)"},
    {OPT_TO, "--to", NULL, "STEP", "export: last step of the animation (default the last)"},
    {OPT_STEP, "--step", NULL, "N", "export: the step --png shows (default the last)"},
    {OPT_DIAGRAM, "--diagram-only", NULL, NULL, "export: the diagram alone, without the panels"},
    {OPT_FORCE, "--force", NULL, NULL,
     "export: write frames into a directory that holds other files"},
    {OPT_MAX_INSTRUCTIONS, "--max-instructions", NULL, "N", "stop after N bytecode instructions"},
    {OPT_MAX_MEMORY, "--max-memory", NULL, "MB", "stop when objects need over MB MiB"},
    {OPT_MAX_RECURSION, "--max-recursion", NULL, "N", "RecursionError beyond N nested calls"},
    {OPT_MAX_TIME, "--max-time", NULL, "SECONDS", "stop when the virtual clock passes SECONDS"},
    {OPT_MAX_TASKS, "--max-tasks", NULL, "N", "stop when a run creates more than N tasks"},
    {OPT_MAX_SOURCE, "--max-source", NULL, "BYTES", "refuse a file over BYTES bytes"},
    {OPT_MAX_NESTING, "--max-nesting", NULL, "N",
     "refuse brackets, blocks or expressions nested deeper"},
    {OPT_MAX_LINE, "--max-line-length", NULL, "N", "refuse a line over N bytes"},
    {OPT_HELP, "--help", "-h", NULL, "show this help and exit"},
    {OPT_VERSION, "--version", "-V", NULL, "show the version and exit"},
};

typedef int (*cli_handler)(const cli_args *args, FILE *out, FILE *err);

struct cli_command {
  const char *name;     /* the word on the command line */
  const char *synopsis; /* its operands, for help and usage ("FILE") */
  const char *summary;  /* one line for --help */
  int min_operands;     /* operands it needs */
  int max_operands;     /* operands it accepts */
  unsigned options;     /* cli_option_id bits it accepts besides --help and --version */
  cli_handler run;      /* carries it out; returns the exit status */
  unsigned needs_one;   /* cli_option_id bits of which at least one must be given, or 0 */
};

static int run_command(const cli_args *args, FILE *out, FILE *err);
static int trace_command(const cli_args *args, FILE *out, FILE *err);
static int export_command(const cli_args *args, FILE *out, FILE *err);
static int list_command(const cli_args *args, FILE *out, FILE *err);

/* The outputs of `export`: at least one must be given. */
static const unsigned export_outputs =
    OPT_MERMAID | OPT_CHROME | OPT_FRAMES | OPT_VIDEO | OPT_PNG | OPT_SVG;
/* What tunes the picture outputs. */
static const unsigned export_tuning = OPT_FPS | OPT_SIZE | OPT_THEME | OPT_STEP_MS | OPT_FROM |
                                      OPT_TO | OPT_STEP | OPT_DIAGRAM | OPT_FORCE | OPT_FONT;

/* Where cli_parse keeps the value of each picture option. */
static const struct {
  cli_option_id id; /* the option */
  size_t offset;    /* its field in exp_args */
} export_values[] = {
    {OPT_FRAMES, offsetof(exp_args, frames)}, {OPT_VIDEO, offsetof(exp_args, video)},
    {OPT_PNG, offsetof(exp_args, png)},       {OPT_SVG, offsetof(exp_args, svg)},
    {OPT_FPS, offsetof(exp_args, fps)},       {OPT_SIZE, offsetof(exp_args, size)},
    {OPT_THEME, offsetof(exp_args, theme)},   {OPT_STEP_MS, offsetof(exp_args, step_ms)},
    {OPT_FROM, offsetof(exp_args, from)},     {OPT_TO, offsetof(exp_args, to)},
    {OPT_STEP, offsetof(exp_args, step)},
};

/* The hard limits of a run (docs/robustness.md): run, trace, export and the window take them. */
static const unsigned limit_options = OPT_MAX_INSTRUCTIONS | OPT_MAX_MEMORY | OPT_MAX_RECURSION |
                                      OPT_MAX_TIME | OPT_MAX_TASKS | OPT_MAX_SOURCE |
                                      OPT_MAX_NESTING | OPT_MAX_LINE;

/* The deepest --max-recursion. Python calls nested through natives (__iter__ under list(), a
 * sort key, __eq__ in a dict lookup) nest C frames too; the VM's budget on the C stack raises
 * RecursionError before they can overflow it, whatever this limit, so the bound only keeps the
 * frame table the VM allocates for it (max_recursion + 64 frames) within reason. */
#define CLI_MAX_RECURSION 1000000

/* The instruction limit the window and the picture exports start from (app_max_instructions in
 * render/app.c, exp_max_instructions in render/export.c), for --help. tests/unit/test_cli_limits
 * checks that the window stops there. */
#define CLI_WINDOW_INSTRUCTIONS 1000000

typedef struct cli_limit {
  cli_option_id id; /* the option */
  double max;       /* the largest value accepted; the smallest is 1, for --max-time just above 0 */
  const char *what; /* the kind of value, for a usage error */
} cli_limit;

static const cli_limit limit_table[] = {
    {OPT_MAX_INSTRUCTIONS, 1e15, "a whole number of instructions"},
    {OPT_MAX_MEMORY, 1048576, "a whole number of MiB"},
    {OPT_MAX_RECURSION, CLI_MAX_RECURSION, "a whole number of calls"},
    {OPT_MAX_TIME, 1e300, "a number of seconds above 0"},
    {OPT_MAX_TASKS, 1e12, "a whole number of tasks"},
    {OPT_MAX_SOURCE, 1 << 30, "a whole number of bytes"},
    {OPT_MAX_NESTING, PARSE_MAX_NESTING_CAP, "a whole number of levels"},
    {OPT_MAX_LINE, 1 << 30, "a whole number of bytes"},
};

enum { N_LIMITS = sizeof limit_table / sizeof limit_table[0] };

/* Stores v (in the option's unit) into its field of *l. */
static void limit_store(sim_limits *l, cli_option_id id, double v) {
  switch (id) {
  case OPT_MAX_INSTRUCTIONS:
    l->max_instructions = (uint64_t)v;
    break;
  case OPT_MAX_MEMORY:
    l->max_memory = (uint64_t)v << 20;
    break;
  case OPT_MAX_RECURSION:
    l->max_recursion = (int)v;
    break;
  case OPT_MAX_TIME:
    l->max_virtual_time = v;
    break;
  case OPT_MAX_TASKS:
    l->max_tasks = (uint64_t)v;
    break;
  case OPT_MAX_SOURCE:
    l->max_source = (size_t)v;
    break;
  case OPT_MAX_NESTING:
    l->max_nesting = (int)v;
    break;
  default:
    l->max_line_length = (int)v;
    break;
  }
}

/* The field of *l for the option, in the option's unit (for --help). */
static double limit_load(const sim_limits *l, cli_option_id id) {
  switch (id) {
  case OPT_MAX_INSTRUCTIONS:
    return (double)l->max_instructions;
  case OPT_MAX_MEMORY:
    return (double)(l->max_memory >> 20);
  case OPT_MAX_RECURSION:
    return l->max_recursion;
  case OPT_MAX_TIME:
    return l->max_virtual_time;
  case OPT_MAX_TASKS:
    return (double)l->max_tasks;
  case OPT_MAX_SOURCE:
    return (double)l->max_source;
  case OPT_MAX_NESTING:
    return l->max_nesting;
  default:
    return l->max_line_length;
  }
}

static const cli_limit *find_limit(cli_option_id id) {
  for (size_t i = 0; i < N_LIMITS; i++)
    if (limit_table[i].id == id)
      return &limit_table[i];
  return NULL;
}

/* Reads the value of a --max-* option into args->limits. A whole number is digits only (no sign,
 * no exponent, no fraction); seconds are any decimal number. On a bad value args->error says what
 * the option needs and false is returned. */
static bool parse_limit(cli_args *args, const char *name, cli_option_id id, const char *text) {
  const cli_limit *lim = find_limit(id);
  bool fraction = id == OPT_MAX_TIME;
  bool ok = text[0] != '\0';
  for (const char *p = text; ok && !fraction && *p != '\0'; p++)
    ok = *p >= '0' && *p <= '9';
  char *end = NULL;
  double v = ok ? strtod(text, &end) : 0;
  ok = ok && end != NULL && *end == '\0' && isfinite(v) && v <= lim->max &&
       (fraction ? v > 0 : v >= 1);
  if (!ok) {
    /* a whole-number bound in digits, as the option takes it (1000000000000000, not 1e+15) */
    char bound[48];
    snprintf(bound, sizeof bound, fraction ? "%.15g" : "%.0f", lim->max);
    snprintf(args->error, sizeof args->error, "option %s needs %s from %s to %s, not '%.40s'", name,
             lim->what, fraction ? "just above 0" : "1", bound, text);
    args->action = CLI_USAGE;
    return false;
  }
  limit_store(&args->limits, id, v);
  return true;
}

static const cli_command commands[] = {
    {"run", "FILE", "run a scenario on the virtual clock and print its output as python3 would", 1,
     1, OPT_DISASM | OPT_GC_STRESS | limit_options, run_command, 0},
    {"trace", "FILE", "run a scenario and print every scheduling event, one per line", 1, 1,
     OPT_JSON | OPT_LINES | limit_options, trace_command, 0},
    {"export", "FILE",
     "run a scenario and write its trace, frames, video, still or SVG as the options ask", 1, 1,
     export_outputs | export_tuning | limit_options, export_command, export_outputs},
    {"list", "", "print the bundled scenarios, each with its one-line lesson", 0, 0, 0,
     list_command, 0},
};

/* The window is no table row (it has no word of its own), but it is described like one. */
static const char window_synopsis[] = "[FILE|NAME]";
static const char window_summary[] =
    "open the window on a scenario file or a bundled scenario NAME (none: pick one in it)";
static const unsigned window_options = OPT_FONT | OPT_THEME | limit_options;

enum { N_OPTIONS = sizeof options / sizeof options[0] };
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

const char *cli_command_name(const cli_command *c) { return c->name; }

/* ---- parsing ----------------------------------------------------------------------------- */

static cli_action usage_error(cli_args *args, const char *fmt, const char *what) {
  snprintf(args->error, sizeof args->error, fmt, what);
  args->action = CLI_USAGE;
  return CLI_USAGE;
}

static const cli_command *find_command(const char *word) {
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp(commands[i].name, word) == 0)
      return &commands[i];
  return NULL;
}

/* Matches word against the option table. "--font=PATH" matches with *inline_value = "PATH". */
static const cli_option *find_option(const char *word, const char **inline_value) {
  *inline_value = NULL;
  for (size_t i = 0; i < N_OPTIONS; i++) {
    const cli_option *o = &options[i];
    size_t n = strlen(o->long_name);
    if (strncmp(word, o->long_name, n) == 0) {
      if (word[n] == '\0')
        return o;
      if (word[n] == '=' && o->value != NULL) {
        *inline_value = word + n + 1;
        return o;
      }
    }
    if (o->short_name != NULL && strcmp(word, o->short_name) == 0)
      return o;
  }
  return NULL;
}

static const char *option_name(cli_option_id id) {
  for (size_t i = 0; i < N_OPTIONS; i++)
    if (options[i].id == id)
      return options[i].long_name;
  return "?";
}

/* "'export' needs --mermaid OUT or --chrome-trace OUT", from the tables. */
static cli_action needs_one_error(cli_args *args, const cli_command *c) {
  size_t len = (size_t)snprintf(args->error, sizeof args->error, "'%s' needs ", c->name);
  unsigned left = c->needs_one;
  bool first = true;
  for (size_t i = 0; i < N_OPTIONS && len < sizeof args->error; i++) {
    const cli_option *o = &options[i];
    if ((left & o->id) == 0)
      continue;
    left &= ~(unsigned)o->id;
    const char *sep = first ? "" : left == 0 ? " or " : ", ";
    first = false;
    len += (size_t)snprintf(args->error + len, sizeof args->error - len, "%s%s%s%s", sep,
                            o->long_name, o->value != NULL ? " " : "",
                            o->value != NULL ? o->value : "");
  }
  args->action = CLI_USAGE;
  return CLI_USAGE;
}

cli_action cli_parse(int argc, char *const argv[], cli_args *args) {
  memset(args, 0, sizeof *args);
  unsigned seen = 0;
  bool options_done = false;
  bool first_operand = true;
  for (int i = 1; i < argc; i++) {
    const char *word = argv[i];
    if (!options_done && strcmp(word, "--") == 0) {
      options_done = true;
      continue;
    }
    if (!options_done && word[0] == '-' && word[1] != '\0') {
      const char *value = NULL;
      const cli_option *o = find_option(word, &value);
      if (o == NULL)
        return usage_error(args, "unknown option '%s'", word);
      if (o->value != NULL && value == NULL) {
        if (i + 1 >= argc)
          return usage_error(args, "option %s needs a value", o->long_name);
        value = argv[++i];
      }
      seen |= o->id;
      if (o->id == OPT_FONT)
        args->font = value;
      if (o->id == OPT_MERMAID)
        args->mermaid = value;
      if (o->id == OPT_CHROME)
        args->chrome_trace = value;
      for (size_t k = 0; k < sizeof export_values / sizeof export_values[0]; k++)
        if (o->id == export_values[k].id)
          *(const char **)(void *)((char *)&args->exp + export_values[k].offset) = value;
      args->exp.diagram_only |= o->id == OPT_DIAGRAM;
      args->exp.force |= o->id == OPT_FORCE;
      args->json |= o->id == OPT_JSON;
      args->lines |= o->id == OPT_LINES;
      args->disassemble |= o->id == OPT_DISASM;
      args->gc_stress |= o->id == OPT_GC_STRESS;
      if ((o->id & limit_options) != 0 && !parse_limit(args, o->long_name, o->id, value))
        return CLI_USAGE;
      continue;
    }
    if (first_operand && !options_done && (args->command = find_command(word)) != NULL) {
      first_operand = false;
      continue;
    }
    first_operand = false;
    if (args->noperands == (int)(sizeof args->operands / sizeof args->operands[0])) {
      if (args->command == NULL && paths_is_name(args->operands[0]))
        return usage_error(args, "unknown command '%s'", args->operands[0]);
      return usage_error(args, "too many arguments at '%s'", word);
    }
    args->operands[args->noperands++] = word;
  }

  if (seen & OPT_HELP)
    return args->action = CLI_HELP;
  if (seen & OPT_VERSION)
    return args->action = CLI_VERSION;

  const cli_command *c = args->command;
  unsigned accepted = c != NULL ? c->options : window_options;
  unsigned stray = seen & ~accepted;
  if (stray != 0) {
    if (c != NULL) {
      snprintf(args->error, sizeof args->error, "option %s does not apply to '%s'",
               option_name((cli_option_id)(stray & -stray)), c->name);
      return args->action = CLI_USAGE;
    }
    return usage_error(args, "option %s does not apply to the window",
                       option_name((cli_option_id)(stray & -stray)));
  }
  if (c != NULL) {
    if (args->noperands < c->min_operands)
      return usage_error(args, "'%s' needs more arguments", c->name);
    if (args->noperands > c->max_operands)
      return usage_error(args, "too many arguments for '%s'", c->name);
    if (c->needs_one != 0 && (seen & c->needs_one) == 0)
      return needs_one_error(args, c);
    return args->action = CLI_COMMAND;
  }
  if (args->noperands > 1) {
    /* "loopviz trace x": the first word was meant as a subcommand. */
    if (paths_is_name(args->operands[0]))
      return usage_error(args, "unknown command '%s'", args->operands[0]);
    return usage_error(args, "too many arguments at '%s'", args->operands[1]);
  }
  args->target = args->noperands == 1 ? args->operands[0] : NULL;
  args->target_is_name = args->target != NULL && paths_is_name(args->target);
  return args->action = CLI_WINDOW;
}

/* ---- help ------------------------------------------------------------------------------------ */

static void print_usage(FILE *f) {
  fprintf(f, "usage: loopviz [--font PATH] [--theme NAME] [--max-... N] %s\n", window_synopsis);
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(f, "       loopviz %s %s\n", commands[i].name, commands[i].synopsis);
  fprintf(f, "       loopviz --help | --version\n");
}

static void print_help(FILE *f) {
  fprintf(f, "loopviz %s: a visual simulator of Python's asyncio event loop\n\n", LOOPVIZ_VERSION);
  fprintf(f, "commands:\n");
  char left[64];
  snprintf(left, sizeof left, "loopviz %s", window_synopsis);
  fprintf(f, "  %-22s %s\n", left, window_summary);
  for (size_t i = 0; i < N_COMMANDS; i++) {
    snprintf(left, sizeof left, "loopviz %s %s", commands[i].name, commands[i].synopsis);
    fprintf(f, "  %-22s %s\n", left, commands[i].summary);
  }
  fprintf(f, "\noptions:\n");
  sim_options defaults;
  sim_options_init(&defaults);
  for (size_t i = 0; i < N_OPTIONS; i++) {
    const cli_option *o = &options[i];
    if (o->short_name != NULL)
      snprintf(left, sizeof left, "%s, %s", o->short_name, o->long_name);
    else
      snprintf(left, sizeof left, "%s %s", o->long_name, o->value != NULL ? o->value : "");
    if (o->id == OPT_MAX_INSTRUCTIONS) /* app.c's and export.c's own default */
      fprintf(f, "  %-22s %s (default %.15g; the window and pictures %d)\n", left, o->summary,
              limit_load(&defaults.limits, o->id), CLI_WINDOW_INSTRUCTIONS);
    else if (find_limit(o->id) != NULL)
      fprintf(f, "  %-22s %s (default %.15g)\n", left, o->summary,
              limit_load(&defaults.limits, o->id));
    else
      fprintf(f, "  %-22s %s\n", left, o->summary);
  }
}

/* ---- run --------------------------------------------------------------------------------- */

typedef struct run_io {
  FILE *out;        /* the program's output goes here */
  FILE *err;        /* tracebacks and diagnostics go here */
  bool err_written; /* the simulator already explained itself on err */
  trace *trace;     /* a trace streaming to out, or NULL */
} run_io;

static void write_out(void *user, const char *text, size_t len) {
  run_io *io = user;
  fwrite(text, 1, len, io->out);
}

static void write_err(void *user, const char *text, size_t len) {
  run_io *io = user;
  if (io->trace != NULL) /* the events so far first: their writer thread is then idle */
    trace_flush(io->trace);
  fflush(io->out); /* keep the order python3 shows on a terminal */
  fwrite(text, 1, len, io->err);
  io->err_written = true;
}

static int run_command(const cli_args *args, FILE *out, FILE *err) {
  run_io io = {out, err, false, NULL};
  sim_options o;
  sim_options_init(&o);
  o.out = write_out;
  o.err = write_err;
  o.user = &io;
  o.disassemble = args->disassemble;
  o.gc_stress = args->gc_stress;
  sim_limits_override(&o.limits, &args->limits);
  errno = 0;
  sim_status st = sim_run_file(&o, args->operands[0]);
  int saved_errno = errno;
  fflush(out);
  if (st == SIM_IO_ERROR && !io.err_written)
    fprintf(err, "loopviz: cannot read %s: %s\n", args->operands[0],
            saved_errno != 0 ? strerror(saved_errno) : "read error");
  return (int)st;
}

/* ---- trace ------------------------------------------------------------------------------- */

static void discard_out(void *user, const char *text, size_t len) {
  (void)user;
  (void)text;
  (void)len;
}

static void write_piece(void *user, const char *text, size_t len) { fwrite(text, 1, len, user); }

static int trace_command(const cli_args *args, FILE *out, FILE *err) {
  trace *t = trace_new(args->lines);
  run_io io = {out, err, false, t};
  if (t == NULL) {
    fprintf(err, "loopviz: out of memory\n");
    return CLI_EXIT_FAILURE;
  }
  sim_options o;
  sim_options_init(&o);
  o.out = discard_out; /* the program's output is in the trace's print events */
  sim_limits_override(&o.limits, &args->limits);
  o.err = write_err;
  o.user = &io;
  o.trace = t;
  /* written a piece at a time as the run goes: a long trace never sits whole in memory */
  trace_stream(t, args->json, write_piece, out);
  errno = 0;
  sim_status st = sim_run_file(&o, args->operands[0]);
  int saved_errno = errno;
  if (st == SIM_IO_ERROR) {
    if (!io.err_written)
      fprintf(err, "loopviz: cannot read %s: %s\n", args->operands[0],
              saved_errno != 0 ? strerror(saved_errno) : "read error");
    trace_free(t);
    return (int)st;
  }
  bool ok = trace_flush(t);
  fflush(out);
  if (trace_truncated(t))
    fprintf(err, "loopviz: the trace was cut short: it outgrew the memory for it\n");
  trace_free(t);
  return ok ? (int)st : CLI_EXIT_FAILURE;
}

/* ---- export ------------------------------------------------------------------------------ */

/* Writes len bytes to path through a temporary file in the same directory that is renamed over
 * path once complete and synced, so path never holds a half-written file. An existing path that
 * is no regular file (a FIFO, /dev/stdout) is written directly. Returns 0 or an errno value. */
static int write_file_atomic(const char *path, const char *data, size_t len) {
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    FILE *f = fopen(path, "w");
    if (f == NULL)
      return errno;
    size_t done = fwrite(data, 1, len, f);
    int e = done == len ? 0 : errno != 0 ? errno : EIO;
    if (fclose(f) != 0 && e == 0)
      e = errno;
    return e;
  }
  const char *slash = strrchr(path, '/');
  int dirlen = slash != NULL ? (int)(slash - path) + 1 : 0;
  char tmp[PATHS_MAX];
  int fd = -1;
  for (unsigned attempt = 0; fd < 0; attempt++) {
    int n = snprintf(tmp, sizeof tmp, "%.*s.%s.%ld.%u.tmp", dirlen, path, path + dirlen,
                     (long)getpid(), attempt);
    if (n < 0 || (size_t)n >= sizeof tmp)
      return ENAMETOOLONG;
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt == 99))
      return errno;
  }
  int e = 0;
  for (size_t done = 0; done < len;) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      e = errno;
      break;
    }
    done += (size_t)n;
  }
  if (e == 0 && fsync(fd) != 0)
    e = errno;
  if (close(fd) != 0 && e == 0)
    e = errno;
  if (e == 0 && rename(tmp, path) != 0)
    e = errno;
  if (e != 0)
    unlink(tmp);
  return e;
}

typedef bool (*export_writer)(const trace *t, fmt_buf *out);

/* Writes one export of t to path ("-": out). Returns false after saying why on err. */
static bool export_one(const trace *t, export_writer write, const char *what, const char *path,
                       FILE *out, FILE *err) {
  fmt_buf b;
  fmt_buf_init(&b);
  bool ok = write(t, &b);
  if (!ok) {
    fprintf(err, "loopviz: out of memory while writing the %s\n", what);
  } else if (strcmp(path, "-") == 0) {
    ok = fwrite(fmt_buf_str(&b), 1, b.len, out) == b.len && fflush(out) == 0;
    if (!ok)
      fprintf(err, "loopviz: cannot write the %s to stdout: %s\n", what, strerror(errno));
  } else {
    int e = write_file_atomic(path, fmt_buf_str(&b), b.len);
    ok = e == 0;
    if (!ok)
      fprintf(err, "loopviz: cannot write the %s to %s: %s\n", what, path, strerror(e));
  }
  fmt_buf_free(&b);
  return ok;
}

/* Runs the scenario once into a trace, then writes every trace output the options name. The
 * program's own output is in the trace (print events), not on stdout, which stays free for an
 * export written to '-'. */
static int export_traces(const cli_args *args, FILE *out, FILE *err) {
  if (args->mermaid != NULL && args->chrome_trace != NULL && strcmp(args->mermaid, "-") == 0 &&
      strcmp(args->chrome_trace, "-") == 0) {
    fprintf(err, "loopviz: only one export can go to stdout ('-')\n");
    print_usage(err);
    return CLI_EXIT_USAGE;
  }
  run_io io = {out, err, false, NULL};
  trace *t = trace_new(false);
  if (t == NULL) {
    fprintf(err, "loopviz: out of memory\n");
    return CLI_EXIT_FAILURE;
  }
  sim_options o;
  sim_options_init(&o);
  o.out = discard_out;
  o.err = write_err;
  sim_limits_override(&o.limits, &args->limits);
  o.user = &io;
  o.trace = t;
  errno = 0;
  sim_status st = sim_run_file(&o, args->operands[0]);
  int saved_errno = errno;
  if (st == SIM_IO_ERROR) {
    if (!io.err_written)
      fprintf(err, "loopviz: cannot read %s: %s\n", args->operands[0],
              saved_errno != 0 ? strerror(saved_errno) : "read error");
    trace_free(t);
    return (int)st;
  }
  if (trace_truncated(t))
    fprintf(err, "loopviz: the trace was cut short: it outgrew the memory for it\n");
  bool ok = true;
  if (args->mermaid != NULL)
    ok &= export_one(t, traceout_mermaid, "mermaid diagram", args->mermaid, out, err);
  if (args->chrome_trace != NULL)
    ok &= export_one(t, traceout_chrome, "Chrome trace", args->chrome_trace, out, err);
  trace_free(t);
  return ok ? (int)st : CLI_EXIT_FAILURE;
}

/* Carries out req in the drawing module. When the module cannot be loaded, says why (its path
 * and dlerror()) and returns CLI_EXIT_NO_GUI; the commands that do not draw never get here. */
static int call_gui(const gui_request *req, FILE *err) {
  int status = CLI_EXIT_FAILURE;
  char why[PATHS_MAX + 512];
  if (gui_call(req, &status, why, sizeof why) == GUI_OK)
    return status;
  fprintf(err, "loopviz: %s\n", why);
  return CLI_EXIT_NO_GUI;
}

/* Frames, video, still and SVG, drawn by the module (gui.c, export.h). traced: a trace export ran
 * the scenario already and wrote its traceback on err. */
static int export_pictures(const cli_args *args, const exp_options *eo, bool traced, FILE *err) {
  gui_request req;
  memset(&req, 0, sizeof req);
  req.command = GUI_PICTURES;
  req.err = err;
  req.scenario = args->operands[0];
  req.font = args->font;
  req.limits = args->limits;
  req.exp = *eo;
  req.traced = traced;
  return call_gui(&req, err);
}

/* Checks every option before writing anything, then the traces, then the pictures. */
static int export_command(const cli_args *args, FILE *out, FILE *err) {
  exp_options eo;
  exp_options_init(&eo);
  bool pictures = exp_wanted(&args->exp);
  char msg[512];
  if (pictures && exp_options_from_args(&args->exp, &eo, msg, sizeof msg) != EXP_OK) {
    fprintf(err, "loopviz: %s\n", msg);
    print_usage(err);
    return CLI_EXIT_USAGE;
  }
  const exp_args *x = &args->exp;
  bool tuned = x->fps != NULL || x->size != NULL || x->theme != NULL || x->step_ms != NULL ||
               x->from != NULL || x->to != NULL || x->step != NULL || x->diagram_only ||
               x->force || args->font != NULL;
  if (!pictures && tuned) {
    fprintf(err, "loopviz: the picture options (--fps, --size, --theme, ...) need --frames, "
                 "--video, --png or --svg\n");
    print_usage(err);
    return CLI_EXIT_USAGE;
  }
  int status = CLI_EXIT_OK;
  if (args->mermaid != NULL || args->chrome_trace != NULL) {
    status = export_traces(args, out, err);
    if (!pictures || (status != CLI_EXIT_OK && status != (int)SIM_ERROR))
      return status;
  }
  int pst = export_pictures(args, &eo, args->mermaid != NULL || args->chrome_trace != NULL, err);
  return pst != CLI_EXIT_OK ? pst : status;
}

/* ---- list -------------------------------------------------------------------------------- */

static int list_command(const cli_args *args, FILE *out, FILE *err) {
  (void)args;
  char data[PATHS_MAX];
  if (paths_data_dir(data, sizeof data) != PATHS_OK) {
    fprintf(err, "loopviz: cannot find the bundled scenarios: no scenarios/ next to the "
                 "executable, in its source tree or in ../share/loopviz\n");
    return CLI_EXIT_FAILURE;
  }
  scen_list list;
  char msg[512];
  if (scen_list_dir(data, &list, msg, sizeof msg) != SCEN_OK) {
    fprintf(err, "loopviz: %s\n", msg);
    return CLI_EXIT_FAILURE;
  }
  int written = scen_list_write(&list, out);
  scen_list_free(&list);
  if (written != 0 || fflush(out) != 0) {
    fprintf(err, "loopviz: cannot write the list of scenarios\n");
    return CLI_EXIT_FAILURE;
  }
  return CLI_EXIT_OK;
}

/* ---- window ------------------------------------------------------------------------------ */

/* Resolves the window's scenario and icon paths. A bare NAME must be a bundled scenario, else
 * the word was most likely a mistyped subcommand: that is a usage error. Returns -1 when fine. */
static int window_paths(const cli_args *args, char *scenario, char *icon, FILE *err) {
  char data[PATHS_MAX];
  bool have_data = paths_data_dir(data, sizeof data) == PATHS_OK;
  icon[0] = '\0';
  if (have_data)
    paths_join(icon, PATHS_MAX, data, "assets/icon.png");
  scenario[0] = '\0'; /* no operand: the window shows its picker of bundled scenarios */
  if (args->target == NULL)
    return -1;
  if (!args->target_is_name) {
    snprintf(scenario, PATHS_MAX, "%s", args->target);
    return -1;
  }
  if (have_data && paths_scenario(data, args->target, scenario, PATHS_MAX) == PATHS_OK)
    return -1;
  fprintf(err, "loopviz: unknown command or scenario '%s'\n", args->target);
  print_usage(err);
  return CLI_EXIT_USAGE;
}

static int run_window(const cli_args *args, FILE *err) {
  char scenario[PATHS_MAX], icon[PATHS_MAX];
  int status = window_paths(args, scenario, icon, err);
  if (status >= 0)
    return status;
  gui_request req;
  memset(&req, 0, sizeof req);
  req.command = GUI_WINDOW;
  req.err = err;
  req.scenario = scenario[0] != '\0' ? scenario : NULL;
  req.font = args->font;
  req.icon = icon[0] != '\0' ? icon : NULL;
  req.theme = args->exp.theme;
  req.limits = args->limits;
  exp_options_init(&req.exp);
  return call_gui(&req, err);
}

/* ---- dispatch ---------------------------------------------------------------------------- */

int cli_main(int argc, char *const argv[], FILE *out, FILE *err) {
  cli_args args;
  switch (cli_parse(argc, argv, &args)) {
  case CLI_HELP:
    print_help(out);
    return CLI_EXIT_OK;
  case CLI_VERSION:
    fprintf(out, "loopviz %s\n", LOOPVIZ_VERSION);
    return CLI_EXIT_OK;
  case CLI_USAGE:
    fprintf(err, "loopviz: %s\n", args.error);
    print_usage(err);
    return CLI_EXIT_USAGE;
  case CLI_COMMAND: {
    /* `loopviz run gather` means the bundled scenario when no such file exists */
    char bundled[PATHS_MAX], data[PATHS_MAX];
    FILE *probe = args.noperands > 0 ? fopen(args.operands[0], "rb") : NULL;
    if (probe != NULL)
      fclose(probe);
    else if (args.noperands > 0 && paths_is_name(args.operands[0]) &&
             paths_data_dir(data, sizeof data) == PATHS_OK &&
             paths_scenario(data, args.operands[0], bundled, sizeof bundled) == PATHS_OK)
      args.operands[0] = bundled;
    return args.command->run(&args, out, err);
  }
  case CLI_WINDOW:
    return run_window(&args, err);
  }
  return CLI_EXIT_USAGE;
}
