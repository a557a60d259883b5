/* The --max-* options of render/cli (issue 11): what they accept, what they refuse with a usage
 * error, where they apply (run, trace, export and the window), and that each limit stops a run
 * with the message naming its option, in the terminal, in a picture export and in the window. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "cli.h"
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int make_argv(char **words, char **argv, int cap) {
  int n = 0;
  argv[n++] = "loopviz";
  while (words[n - 1] != NULL && n < cap - 1) {
    argv[n] = words[n - 1];
    n++;
  }
  argv[n] = NULL;
  return n;
}

static cli_action parse_words(char **words, cli_args *args) {
  char *argv[16];
  int argc = make_argv(words, argv, 16);
  return cli_parse(argc, argv, args);
}

#define PARSE(args, ...) parse_words((char *[]){__VA_ARGS__, NULL}, (args))

typedef struct captured {
  int status;     /* cli_main's exit status */
  char out[8192]; /* the start of stdout */
  char err[8192]; /* the start of stderr */
} captured;

static void slurp(FILE *f, char *buf, size_t cap) {
  rewind(f);
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = '\0';
  fclose(f);
}

static void run_words(char **words, captured *c) {
  char *argv[16];
  int argc = make_argv(words, argv, 16);
  FILE *out = tmpfile(), *err = tmpfile();
  assert_non_null(out);
  assert_non_null(err);
  c->status = cli_main(argc, argv, out, err);
  slurp(out, c->out, sizeof c->out);
  slurp(err, c->err, sizeof c->err);
}

#define RUN(c, ...) run_words((char *[]){__VA_ARGS__, NULL}, (c))

/* A scenario in a temporary file; path receives its name. */
static void write_scenario(char *path, size_t cap, const char *text) {
  snprintf(path, cap, "/tmp/loopviz-cli-limits-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  size_t len = strlen(text);
  assert_int_equal(write(fd, text, len), (ssize_t)len);
  close(fd);
}

static const char *last_line(const char *text, char *buf, size_t cap) {
  size_t n = strlen(text);
  while (n > 0 && text[n - 1] == '\n')
    n--;
  size_t start = n;
  while (start > 0 && text[start - 1] != '\n')
    start--;
  snprintf(buf, cap, "%.*s", (int)(n - start), text + start);
  return buf;
}

static void test_values_are_stored(void **state) {
  (void)state;
  cli_args a;
  assert_int_equal(PARSE(&a, "run", "--max-instructions", "5000", "x.py"), CLI_COMMAND);
  assert_int_equal(a.limits.max_instructions, 5000);
  assert_int_equal(a.limits.max_memory, 0); /* not given: the default applies */
  assert_int_equal(PARSE(&a, "run", "--max-memory=64", "x.py"), CLI_COMMAND);
  assert_int_equal(a.limits.max_memory, 64ull << 20);
  assert_int_equal(PARSE(&a, "trace", "x.py", "--max-recursion", "50", "--max-time", "2.5"),
                   CLI_COMMAND);
  assert_int_equal(a.limits.max_recursion, 50);
  assert_true(a.limits.max_virtual_time == 2.5);
  assert_int_equal(PARSE(&a, "export", "x.py", "--mermaid", "-", "--max-source", "100",
                         "--max-nesting", "30", "--max-line-length", "80"),
                   CLI_COMMAND);
  assert_int_equal(a.limits.max_source, 100);
  assert_int_equal(a.limits.max_nesting, 30);
  assert_int_equal(a.limits.max_line_length, 80);
  assert_int_equal(PARSE(&a, "run", "--max-time", "0.001", "x.py"), CLI_COMMAND);
  assert_int_equal(PARSE(&a, "run", "--max-tasks", "7", "x.py"), CLI_COMMAND);
  assert_int_equal(a.limits.max_tasks, 7);
  assert_int_equal(PARSE(&a, "run", "--max-memory", "1048576", "x.py"), CLI_COMMAND);
  assert_int_equal(PARSE(&a, "run", "--max-nesting", "1000", "x.py"), CLI_COMMAND);
  assert_int_equal(PARSE(&a, "run", "--max-recursion", "1000000", "x.py"), CLI_COMMAND);
}

static void test_bad_values_are_usage_errors(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"--max-instructions", "0"},   {"--max-instructions", "-5"},
      {"--max-instructions", "1e6"}, {"--max-instructions", "12abc"},
      {"--max-instructions", ""},    {"--max-instructions", " 5"},
      {"--max-memory", "1.5"},       {"--max-memory", "1048577"},
      {"--max-recursion", "0"},      {"--max-recursion", "1000001"},
      {"--max-time", "0"},           {"--max-time", "-1"},
      {"--max-time", "inf"},         {"--max-time", "nan"},
      {"--max-time", "soon"},        {"--max-source", "99999999999999"},
      {"--max-nesting", "1001"},     {"--max-line-length", "0x10"},
      {"--max-line-length", "+10"},  {"--max-recursion", "99999999999999999999999"},
      {"--max-tasks", "0"},          {"--max-tasks", "2.5"},
      {"--max-tasks", "many"},       {"--max-tasks", "1000000000001"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cli_args a;
    char *words[] = {"run", (char *)cases[i][0], (char *)cases[i][1], "x.py", NULL};
    cli_action act = parse_words(words, &a);
    if (act != CLI_USAGE)
      fprintf(stderr, "accepted: %s '%s'\n", cases[i][0], cases[i][1]);
    assert_int_equal(act, CLI_USAGE);
    assert_non_null(strstr(a.error, cases[i][0]));
    assert_non_null(strstr(a.error, "needs"));
  }
  cli_args a;
  assert_int_equal(PARSE(&a, "run", "x.py", "--max-memory"), CLI_USAGE);
  assert_string_equal(a.error, "option --max-memory needs a value");
  assert_int_equal(PARSE(&a, "run", "--max-memory", "lots", "x.py"), CLI_USAGE);
  assert_string_equal(
      a.error, "option --max-memory needs a whole number of MiB from 1 to 1048576, not 'lots'");
}

static void test_where_they_apply(void **state) {
  (void)state;
  cli_args a;
  assert_int_equal(PARSE(&a, "list", "--max-memory", "10"), CLI_USAGE);
  assert_string_equal(a.error, "option --max-memory does not apply to 'list'");
  /* the window takes them */
  assert_int_equal(PARSE(&a, "--max-time", "10", "x.py"), CLI_WINDOW);
  assert_true(a.limits.max_virtual_time == 10);
  assert_string_equal(a.target, "x.py");
  assert_int_equal(PARSE(&a, "--max-instructions", "5000", "--max-memory", "64"), CLI_WINDOW);
  assert_int_equal(a.limits.max_instructions, 5000);
  assert_int_equal(a.limits.max_memory, 64ull << 20);
  assert_null(a.target);
  assert_int_equal(PARSE(&a, "--max-memory", "0", "x.py"), CLI_USAGE);
  assert_string_equal(
      a.error, "option --max-memory needs a whole number of MiB from 1 to 1048576, not '0'");
  /* the bound is written as the option takes it: digits, no exponent */
  assert_int_equal(PARSE(&a, "--max-instructions", "1e15", "x.py"), CLI_USAGE);
  assert_string_equal(a.error, "option --max-instructions needs a whole number of instructions "
                               "from 1 to 1000000000000000, not '1e15'");
  assert_int_equal(PARSE(&a, "--max-time", "0", "x.py"), CLI_USAGE);
  assert_string_equal(a.error,
                      "option --max-time needs a number of seconds above 0 from just above 0 to "
                      "1e+300, not '0'");
  /* and so do the picture exports */
  assert_int_equal(PARSE(&a, "export", "x.py", "--png", "x.png", "--max-nesting", "12"),
                   CLI_COMMAND);
  assert_int_equal(a.limits.max_nesting, 12);
}

static void test_help_shows_defaults(void **state) {
  (void)state;
  captured c;
  RUN(&c, "--help");
  assert_int_equal(c.status, CLI_EXIT_OK);
  assert_non_null(strstr(c.out, "--max-instructions N   stop after N bytecode instructions "
                                "(default 100000000; the window and pictures 1000000)\n"));
  assert_non_null(strstr(c.out, "--max-memory MB"));
  assert_non_null(strstr(c.out, "(default 512)\n"));
  assert_non_null(strstr(c.out, "--max-recursion N"));
  assert_non_null(strstr(c.out, "(default 1000)\n"));
  assert_non_null(strstr(c.out, "--max-time SECONDS"));
  assert_non_null(strstr(c.out, "--max-tasks N"));
  assert_non_null(strstr(c.out, "(default 1000000)\n"));
  assert_non_null(strstr(c.out, "--max-source BYTES"));
  assert_non_null(strstr(c.out, "(default 1048576)\n"));
  assert_non_null(strstr(c.out, "--max-nesting N"));
  assert_non_null(strstr(c.out, "(default 200)\n"));
  assert_non_null(strstr(c.out, "--max-line-length N"));
  assert_non_null(strstr(c.out, "(default 10000)\n"));
}

/* Runs text with the option and checks exit status 1 and the last line of stderr. */
static void expect_stop(const char *cmd, const char *option, const char *value, const char *text,
                        const char *want_last, const char *want_out) {
  char path[64];
  write_scenario(path, sizeof path, text);
  captured c;
  char *words[] = {(char *)cmd, (char *)option, (char *)value, path, NULL};
  run_words(words, &c);
  unlink(path);
  char last[512];
  last_line(c.err, last, sizeof last);
  /* the file name is the temporary one: compare what follows it */
  const char *tail = strstr(last, want_last);
  if (tail == NULL || c.status != 1)
    fprintf(stderr, "%s %s %s: status %d, stderr:\n%s\n", cmd, option, value, c.status, c.err);
  assert_int_equal(c.status, 1);
  assert_non_null(tail);
  assert_string_equal(tail, want_last);
  if (want_out != NULL)
    assert_string_equal(c.out, want_out);
}

static void test_each_limit_stops_a_run(void **state) {
  (void)state;
  expect_stop("run", "--max-instructions", "1000", "print('start')\nwhile True:\n    pass\n",
              "LimitError: instruction limit of 1000 exceeded (raise it with --max-instructions)",
              "start\n");
  expect_stop("run", "--max-memory", "8", "x = []\nwhile True:\n    x.append([0] * 1000)\n",
              "LimitError: memory limit of 8 MiB exceeded (raise it with --max-memory)", "");
  expect_stop("run", "--max-recursion", "40", "def f(n):\n    return f(n + 1)\nf(0)\n",
              "RecursionError: maximum recursion depth exceeded", "");
  expect_stop("run", "--max-time", "5",
              "import asyncio\nasync def main():\n    await asyncio.sleep(4)\n    print('4 s')\n"
              "    await asyncio.sleep(4)\n    print('8 s')\nasyncio.run(main())\n",
              "LimitError: virtual time limit of 5 seconds exceeded (raise it with --max-time)",
              "4 s\n");
  expect_stop("run", "--max-tasks", "10",
              "import asyncio\nasync def job(i):\n    await asyncio.sleep(i)\n"
              "async def main():\n    for i in range(100):\n        asyncio.create_task(job(i))\n"
              "        print(i)\n    await asyncio.sleep(1)\nasyncio.run(main())\n",
              "LimitError: task limit of 10 exceeded (raise it with --max-tasks)",
              "0\n1\n2\n3\n4\n5\n6\n7\n8\n");
  expect_stop("run", "--max-source", "20", "print('this file is longer than twenty bytes')\n",
              ":1:1: source exceeds the 20-byte limit (--max-source)", "");
  expect_stop("run", "--max-line-length", "30",
              "x = 1\nprint('this line is longer than thirty bytes')\n",
              ":2:1: line 2 exceeds the 30-byte limit (--max-line-length)", "");
  expect_stop("run", "--max-nesting", "3", "x = [[[[1]]]]\n", ":1:8: too many nested parentheses",
              "");
  /* trace and export take them too */
  expect_stop("trace", "--max-instructions", "500", "while True:\n    pass\n",
              "LimitError: instruction limit of 500 exceeded (raise it with --max-instructions)",
              NULL);
}

static void test_export_takes_limits(void **state) {
  (void)state;
  char path[64], out[80];
  write_scenario(path, sizeof path, "while True:\n    pass\n");
  snprintf(out, sizeof out, "%s.mmd", path);
  captured c;
  char *words[] = {"export", "--max-instructions", "700", path, "--mermaid", out, NULL};
  run_words(words, &c);
  assert_int_equal(c.status, 1);
  assert_non_null(strstr(c.err, "instruction limit of 700 exceeded"));
  assert_int_equal(access(out, F_OK), 0); /* the diagram of what ran is still written */
  unlink(out);
  unlink(path);
}

/* The defaults stop an infinite loop by themselves, within seconds. */
static void test_default_stops_an_infinite_loop(void **state) {
  (void)state;
  char path[64];
  write_scenario(path, sizeof path, "while True:\n    pass\n");
  captured c;
  char *words[] = {"run", path, NULL};
  run_words(words, &c);
  unlink(path);
  assert_int_equal(c.status, 1);
  assert_non_null(
      strstr(c.err, "instruction limit of 100000000 exceeded (raise it with --max-instructions)"));
}

/* --png, --svg and --frames run with the window's limits unless the options say otherwise: the
 * still shows the error, the exit status is the run's. */
static void test_picture_exports_take_limits(void **state) {
  (void)state;
  char path[64], png[80], svg[80];
  write_scenario(path, sizeof path, "print('start')\nwhile True:\n    pass\n");
  snprintf(png, sizeof png, "%s.png", path);
  snprintf(svg, sizeof svg, "%s.svg", path);
  captured c;
  char *words[] = {"export", "--max-instructions", "700", path, "--png", png,
                   "--svg",  svg,                  "--size", "320x180", NULL};
  run_words(words, &c);
  if (c.status != 1)
    fprintf(stderr, "status %d, stderr:\n%s\n", c.status, c.err);
  assert_int_equal(c.status, 1);
  assert_int_equal(access(png, F_OK), 0);
  assert_int_equal(access(svg, F_OK), 0);
  /* the still shows the error; stderr says it too */
  char last[512];
  assert_string_equal(last_line(c.err, last, sizeof last),
                      "loopviz: The program stopped with an error: LimitError: instruction limit "
                      "of 700 exceeded (raise it with --max-instructions)");
  unlink(png);
  unlink(svg);
  /* a source limit: nothing runs, the picture is still made and stderr says why */
  char *small[] = {"export", path, "--svg", svg, "--max-source", "10", NULL};
  run_words(small, &c);
  assert_int_equal(c.status, 1);
  assert_int_equal(access(svg, F_OK), 0);
  assert_non_null(strstr(c.err, "source exceeds the 10-byte limit (--max-source)"));
  unlink(svg);
  /* with a trace export as well, the traceback is written once */
  char mmd[80];
  snprintf(mmd, sizeof mmd, "%s.mmd", path);
  char *both[] = {"export", path, "--svg", svg, "--mermaid", mmd, "--max-instructions", "900",
                  NULL};
  run_words(both, &c);
  assert_int_equal(c.status, 1);
  const char *first = strstr(c.err, "instruction limit of 900 exceeded");
  assert_non_null(first);
  assert_null(strstr(first + 1, "instruction limit of 900 exceeded"));
  unlink(svg);
  unlink(mmd);
  unlink(path);
}

/* exp_run applies exp_options.limits over the window's own (1 million instructions) and says
 * what stopped the program in exp_result.error. */
static void test_export_options_limits(void **state) {
  (void)state;
  char path[64], svg[80];
  write_scenario(path, sizeof path, "while True:\n    pass\n");
  snprintf(svg, sizeof svg, "%s.svg", path);
  for (int given = 0; given < 2; given++) {
    exp_options o;
    exp_options_init(&o);
    o.svg = svg;
    if (given)
      o.limits.max_instructions = 1234;
    exp_result res;
    char err[512] = "";
    assert_int_equal(exp_run(&o, path, &res, err, sizeof err), EXP_OK);
    assert_int_equal(res.run_status, 1);
    assert_non_null(strstr(res.error, given ? "instruction limit of 1234 exceeded"
                                            : "instruction limit of 1000000 exceeded"));
    unlink(svg);
  }
  unlink(path);
}

/* The window shows what stopped the program (app_error) instead of dying: a limit of its own or
 * one given, an exception, a syntax error, a source limit. */
static void test_window_takes_limits_and_shows_errors(void **state) {
  (void)state;
  static const struct {
    const char *text;        /* the scenario */
    sim_limits limits;       /* app_config.limits */
    const char *want;        /* in app_error */
  } cases[] = {
      {"while True:\n    pass\n", {0}, "instruction limit of 1000000 exceeded"},
      {"while True:\n    pass\n", {.max_instructions = 321}, "instruction limit of 321 exceeded"},
      {"x = []\nwhile True:\n    x.append([0] * 1000)\n", {.max_memory = 4u << 20},
       "LimitError: memory limit of 4 MiB exceeded (raise it with --max-memory)"},
      {"def f():\n    f()\nf()\n", {.max_recursion = 30},
       "RecursionError: maximum recursion depth exceeded"},
      {"print('a')\nraise ValueError('boom')\n", {0}, "ValueError: boom"},
      {"x = (\n", {0}, "SyntaxError: '(' was never closed"},
      {"x = [[[[1]]]]\n", {.max_nesting = 3}, "too many nested parentheses"},
      {"print('longer than twelve bytes')\n", {.max_source = 12},
       "source exceeds the 12-byte limit (--max-source)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[64];
    write_scenario(path, sizeof path, cases[i].text);
    app_config cfg = {path, NULL, NULL, cases[i].limits};
    /* no display needed; set for every window, as closing one (SDL_Quit) clears the hints */
    SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "dummy", SDL_HINT_OVERRIDE);
    app *a = NULL;
    char err[512] = "";
    app_status st = app_open(&cfg, &a, err, sizeof err);
    if (st != APP_OK)
      fail_msg("app_open: %s", err);
    const char *shown = app_error(a);
    if (strstr(shown, cases[i].want) == NULL)
      fail_msg("case %zu: app_error '%s' lacks '%s'", i, shown, cases[i].want);
    app_close(a);
    unlink(path);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_are_stored),
      cmocka_unit_test(test_bad_values_are_usage_errors),
      cmocka_unit_test(test_where_they_apply),
      cmocka_unit_test(test_help_shows_defaults),
      cmocka_unit_test(test_each_limit_stops_a_run),
      cmocka_unit_test(test_export_takes_limits),
      cmocka_unit_test(test_default_stops_an_infinite_loop),
      cmocka_unit_test(test_picture_exports_take_limits),
      cmocka_unit_test(test_export_options_limits),
      cmocka_unit_test(test_window_takes_limits_and_shows_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
