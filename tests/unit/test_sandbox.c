/* The sandbox: every refused builtin raises SandboxError with its own message, whatever its
 * arguments and however it is reached; imports other than asyncio, time and random are refused
 * by name; a scenario's own definitions of those names are its own business. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "sim.h"

typedef struct capture {
  char *out;      /* what the program printed, NUL-terminated */
  size_t out_len; /* its length */
  char *err;      /* tracebacks and diagnostics, NUL-terminated */
  size_t err_len; /* its length */
} capture;

static void append(char **data, size_t *len, const char *text, size_t n) {
  char *p = realloc(*data, *len + n + 1);
  assert_non_null(p);
  memcpy(p + *len, text, n);
  *len += n;
  p[*len] = '\0';
  *data = p;
}

static void on_out(void *user, const char *text, size_t len) {
  capture *c = user;
  append(&c->out, &c->out_len, text, len);
}

static void on_err(void *user, const char *text, size_t len) {
  capture *c = user;
  append(&c->err, &c->err_len, text, len);
}

static sim_status run(const char *src, capture *c) {
  memset(c, 0, sizeof *c);
  sim_options o;
  sim_options_init(&o);
  o.out = on_out;
  o.err = on_err;
  o.user = c;
  return sim_run_source(&o, "sandbox.py", src, strlen(src));
}

static void capture_free(capture *c) {
  free(c->out);
  free(c->err);
}

/* The last non-empty line of text, copied into buf. */
static const char *last_line(const char *text, char *buf, size_t cap) {
  buf[0] = '\0';
  if (text == NULL)
    return buf;
  size_t n = strlen(text);
  while (n > 0 && text[n - 1] == '\n')
    n--;
  size_t start = n;
  while (start > 0 && text[start - 1] != '\n')
    start--;
  snprintf(buf, cap, "%.*s", (int)(n - start), text + start);
  return buf;
}

/* Runs src and expects it to end with "SandboxError: <message of name>". */
static void expect_refused(const char *src, const char *name) {
  capture c;
  sim_status st = run(src, &c);
  const char *msg = sandbox_message(name);
  assert_non_null(msg);
  char want[512], got[512];
  snprintf(want, sizeof want, "SandboxError: %s", msg);
  last_line(c.err, got, sizeof got);
  if (strcmp(want, got) != 0)
    fprintf(stderr, "source:\n%s\nstderr:\n%s\n", src, c.err != NULL ? c.err : "");
  assert_string_equal(got, want);
  assert_int_equal(st, SIM_ERROR);
  capture_free(&c);
}

static void every_refused_builtin_raises_its_message(void **state) {
  (void)state;
  assert_true(sandbox_count() >= 14);
  for (size_t i = 0; i < sandbox_count(); i++) {
    const char *name = sandbox_name(i);
    char src[256];
    snprintf(src, sizeof src, "print('before')\n%s()\nprint('after')\n", name);
    expect_refused(src, name);
    /* the message names the builtin and gives a reason */
    const char *msg = sandbox_message(name);
    char head[64];
    snprintf(head, sizeof head, "%s() is not available in loopviz scenarios: ", name);
    assert_memory_equal(msg, head, strlen(head));
    assert_true(strlen(msg) > strlen(head) + 10);
  }
}

static void the_brief_names_are_all_refused(void **state) {
  (void)state;
  static const char *const names[] = {"open",   "eval",       "exec",       "compile", "__import__",
                                      "input",  "breakpoint", "exit",       "quit",    "globals",
                                      "locals", "vars",       "memoryview", "help",    "license"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    assert_non_null(sandbox_message(names[i]));
  assert_null(sandbox_message("print"));
  assert_null(sandbox_message("len"));
  assert_null(sandbox_message(""));
  assert_null(sandbox_name(sandbox_count()));
  assert_string_equal(
      sandbox_message("open"),
      "open() is not available in loopviz scenarios: a scenario cannot touch files");
}

static void arguments_and_aliases_do_not_help(void **state) {
  (void)state;
  char path[64];
  snprintf(path, sizeof path, "/tmp/loopviz-sandbox-%ld", (long)getpid());
  char src[512];
  snprintf(src, sizeof src, "f = open('%s', 'w')\nf.write('x')\n", path);
  expect_refused(src, "open");
  assert_int_equal(access(path, F_OK), -1); /* nothing was created */
  expect_refused("opener = open\nopener('x.txt', mode='r', encoding='utf-8')\n", "open");
  expect_refused("fns = [print, eval]\nfns[1]('1 + 1')\n", "eval");
  expect_refused("exec(compile('x = 1', 'x', 'exec'))\n", "compile");
  expect_refused("__import__('os').system('true')\n", "__import__");
  expect_refused("import asyncio\nasync def main():\n    await asyncio.sleep(1)\n    "
                 "input('name? ')\nasyncio.run(main())\n",
                 "input");
  expect_refused("def f():\n    return locals()\nf()\n", "locals");
  expect_refused("print(*map(vars, [1]))\n", "vars");
}

/* SandboxError derives from BaseException, like SystemExit: `except Exception` in a scenario does
 * not swallow it. */
static void except_exception_does_not_catch_it(void **state) {
  (void)state;
  expect_refused("try:\n    open('x')\nexcept Exception:\n    print('caught')\n", "open");
  capture c;
  sim_status st =
      run("try:\n    exit()\nexcept BaseException as e:\n    print(type(e).__name__)\n", &c);
  assert_int_equal(st, SIM_OK);
  assert_string_equal(c.out, "SandboxError\n");
  capture_free(&c);
}

static void a_scenario_may_define_those_names(void **state) {
  (void)state;
  capture c;
  sim_status st = run("def open(name):\n    return 'opened ' + name\nprint(open('door'))\n"
                      "class Door:\n    def exit(self):\n        return 'left'\n"
                      "print(Door().exit())\n",
                      &c);
  assert_int_equal(st, SIM_OK);
  assert_string_equal(c.out, "opened door\nleft\n");
  capture_free(&c);
}

/* Only asyncio, time and random are importable; everything else is refused by its name. */
static void imports_are_refused_by_name(void **state) {
  (void)state;
  static const char *const srcs[][2] = {
      {"import os\n", "'os'"},
      {"import subprocess\n", "'subprocess'"},
      {"from socket import socket\n", "'socket'"},
      {"import sys\n", "'sys'"},
      {"import asyncio, shutil\n", "'shutil'"},
  };
  for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
    capture c;
    sim_status st = run(srcs[i][0], &c);
    assert_int_equal(st, SIM_ERROR);
    assert_non_null(c.err);
    char got[512];
    last_line(c.err, got, sizeof got);
    if (strstr(got, "SandboxError: ") != got || strstr(got, srcs[i][1]) == NULL)
      fprintf(stderr, "source: %sstderr last line: %s\n", srcs[i][0], got);
    assert_ptr_equal(strstr(got, "SandboxError: "), got);
    assert_non_null(strstr(got, srcs[i][1]));
    capture_free(&c);
  }
  capture c;
  sim_status st = run("import asyncio, time, random\nfrom asyncio import sleep\nprint('ok')\n", &c);
  assert_int_equal(st, SIM_OK);
  assert_string_equal(c.out, "ok\n");
  capture_free(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_refused_builtin_raises_its_message),
      cmocka_unit_test(the_brief_names_are_all_refused),
      cmocka_unit_test(arguments_and_aliases_do_not_help),
      cmocka_unit_test(except_exception_does_not_catch_it),
      cmocka_unit_test(a_scenario_may_define_those_names),
      cmocka_unit_test(imports_are_refused_by_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
