/* Tests for render/cli: what a command line means (cli_parse) and what it does (cli_main). */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Builds argv from the words (NULL-terminated), with "loopviz" as argv[0]. */
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

/* PARSE(&args, "word", ...) parses "loopviz word ..."; PARSE(&args, NULL) parses "loopviz". */
#define PARSE(args, ...) parse_words((char *[]){__VA_ARGS__, NULL}, (args))

static void test_parse_help_and_version(void **state) {
  (void)state;
  cli_args a;
  assert_int_equal(PARSE(&a, "--help"), CLI_HELP);
  assert_int_equal(PARSE(&a, "-h"), CLI_HELP);
  assert_int_equal(PARSE(&a, "--version"), CLI_VERSION);
  assert_int_equal(PARSE(&a, "-V"), CLI_VERSION);
  assert_int_equal(PARSE(&a, "run", "--help"), CLI_HELP);
}

static void test_parse_unknown_option(void **state) {
  (void)state;
  cli_args a;
  assert_int_equal(PARSE(&a, "--bogus"), CLI_USAGE);
  assert_non_null(strstr(a.error, "--bogus"));
  assert_int_equal(PARSE(&a, "-x", "--help"), CLI_USAGE);
}

static void test_parse_run(void **state) {
  (void)state;
  cli_args a;
  assert_int_equal(PARSE(&a, "run", "x.py"), CLI_COMMAND);
  assert_string_equal(cli_command_name(a.command), "run");
  assert_int_equal(a.noperands, 1);
  assert_string_equal(a.operands[0], "x.py");

  assert_int_equal(PARSE(&a, "run"), CLI_USAGE);
  assert_int_equal(PARSE(&a, "run", "a.py", "b.py"), CLI_USAGE);
  assert_int_equal(PARSE(&a, "--font", "f.ttf", "run", "a.py"), CLI_USAGE);
  assert_non_null(strstr(a.error, "--font"));
}

static void test_parse_window(void **state) {
  (void)state;
  cli_args a;
  assert_int_equal(PARSE(&a, NULL), CLI_WINDOW);
  assert_null(a.target);
  assert_null(a.font);

  assert_int_equal(PARSE(&a, "dir/x.py"), CLI_WINDOW);
  assert_string_equal(a.target, "dir/x.py");
  assert_false(a.target_is_name);

  assert_int_equal(PARSE(&a, "gather"), CLI_WINDOW);
  assert_string_equal(a.target, "gather");
  assert_true(a.target_is_name);

  assert_int_equal(PARSE(&a, "--font", "/f.ttf", "x.py"), CLI_WINDOW);
  assert_string_equal(a.font, "/f.ttf");
  assert_int_equal(PARSE(&a, "x.py", "--font=/g.ttf"), CLI_WINDOW);
  assert_string_equal(a.font, "/g.ttf");
  assert_int_equal(PARSE(&a, "--font"), CLI_USAGE);

  /* After "--" a word is a file even when it spells a subcommand. */
  assert_int_equal(PARSE(&a, "--", "run"), CLI_WINDOW);
  assert_string_equal(a.target, "run");

  assert_int_equal(PARSE(&a, "a.py", "b.py"), CLI_USAGE);
}

static void test_parse_unknown_subcommand(void **state) {
  (void)state;
  cli_args a;
  assert_int_equal(PARSE(&a, "frobnicate", "x.py"), CLI_USAGE);
  assert_non_null(strstr(a.error, "unknown command 'frobnicate'"));
  assert_int_equal(PARSE(&a, "frobnicate", "a", "b", "c"), CLI_USAGE);
  assert_non_null(strstr(a.error, "unknown command 'frobnicate'"));
}

/* ---- cli_main, with out and err captured in temporary files ------------------------------- */

typedef struct captured {
  int status;     /* cli_main's return */
  char out[4096]; /* what it wrote to out */
  char err[4096]; /* what it wrote to err */
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

/* RUN(&captured, "word", ...) runs "loopviz word ..." through cli_main. */
#define RUN(c, ...) run_words((char *[]){__VA_ARGS__, NULL}, (c))

static void test_main_help(void **state) {
  (void)state;
  captured c;
  RUN(&c, "--help");
  assert_int_equal(c.status, CLI_EXIT_OK);
  assert_string_equal(c.err, "");
  assert_non_null(strstr(c.out, "\n  loopviz [FILE|NAME] "));
  assert_non_null(strstr(c.out, "\n  loopviz run FILE "));
  assert_non_null(strstr(c.out, "--font PATH"));
  assert_non_null(strstr(c.out, "--version"));
}

static void test_main_version(void **state) {
  (void)state;
  captured c;
  RUN(&c, "--version");
  assert_int_equal(c.status, CLI_EXIT_OK);
  assert_int_equal(strncmp(c.out, "loopviz ", 8), 0);
  assert_int_equal(c.out[strlen(c.out) - 1], '\n');
  assert_string_equal(c.err, "");
}

static void test_main_usage_errors_exit_2(void **state) {
  (void)state;
  captured c;
  RUN(&c, "--bogus");
  assert_int_equal(c.status, CLI_EXIT_USAGE);
  assert_string_equal(c.out, "");
  assert_non_null(strstr(c.err, "unknown option '--bogus'"));
  assert_non_null(strstr(c.err, "usage: loopviz"));

  /* A bare word that is neither a subcommand nor a bundled scenario. */
  RUN(&c, "no_such_command_or_scenario");
  assert_int_equal(c.status, CLI_EXIT_USAGE);
  assert_non_null(strstr(c.err, "no_such_command_or_scenario"));
  assert_non_null(strstr(c.err, "usage: loopviz"));
}

static void test_main_run_missing_file(void **state) {
  (void)state;
  captured c;
  RUN(&c, "run", "/nonexistent/dir/scenario.py");
  assert_int_equal(c.status, 3); /* SIM_IO_ERROR */
  assert_string_equal(c.out, "");
  assert_non_null(strstr(c.err, "/nonexistent/dir/scenario.py"));
}

static void test_main_run_prints_program_output(void **state) {
  (void)state;
  char path[] = "/tmp/loopviz_test_cli_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  static const char src[] = "print('hello from loopviz')\n";
  assert_int_equal(write(fd, src, sizeof src - 1), (ssize_t)(sizeof src - 1));
  close(fd);
  captured c;
  RUN(&c, "run", path);
  unlink(path);
  assert_int_equal(c.status, 0);
  assert_string_equal(c.out, "hello from loopviz\n");
  assert_string_equal(c.err, "");
}

static void test_main_run_bundled_name(void **state) {
  (void)state;
  captured c;
  /* no file named "greet" here: the bundled scenario runs */
  RUN(&c, "run", "greet");
  assert_int_equal(c.status, 0);
  assert_string_equal(c.out, "Hello, World!\n");
  RUN(&c, "run", "no_such_scenario_name");
  assert_int_equal(c.status, 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_help_and_version),
      cmocka_unit_test(test_parse_unknown_option),
      cmocka_unit_test(test_parse_run),
      cmocka_unit_test(test_parse_window),
      cmocka_unit_test(test_parse_unknown_subcommand),
      cmocka_unit_test(test_main_help),
      cmocka_unit_test(test_main_version),
      cmocka_unit_test(test_main_usage_errors_exit_2),
      cmocka_unit_test(test_main_run_missing_file),
      cmocka_unit_test(test_main_run_prints_program_output),
      cmocka_unit_test(test_main_run_bundled_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
