/* Tests for render/scenarios: header and bookmark parsing, the directory listing with
 * headers.txt, its error messages, `loopviz list` output, and the bundled library itself
 * (every scenario has a lesson and bookmarks that the run reaches). */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli.h"
#include "scenarios.h"
#include "sim.h"
#include "trace.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers -------------------------------------------------------------------------------- */

static scen_header parse(const char *text) {
  scen_header h;
  assert_int_equal(scen_parse(text, strlen(text), &h), SCEN_OK);
  return h;
}

static void assert_pause(const scen_header *h, size_t i, int line, const char *text) {
  assert_true(i < h->npauses);
  assert_int_equal(h->pauses[i].line, line);
  assert_string_equal(h->pauses[i].text, text);
}

/* A scratch data directory: root/scenarios/. */
typedef struct scratch {
  char root[256]; /* the data directory */
  char dir[512];  /* root/scenarios */
} scratch;

static void write_file(const scratch *s, const char *name, const char *text) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", s->dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

static int make_scratch(void **state) {
  scratch *s = calloc(1, sizeof *s);
  char tmpl[] = "/tmp/loopviz_test_scenarios_XXXXXX";
  if (s == NULL || mkdtemp(tmpl) == NULL)
    return -1;
  snprintf(s->root, sizeof s->root, "%s", tmpl);
  snprintf(s->dir, sizeof s->dir, "%s/scenarios", s->root);
  if (mkdir(s->dir, 0700) != 0)
    return -1;
  *state = s;
  return 0;
}

static int remove_scratch(void **state) {
  scratch *s = *state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->root);
  int rc = system(cmd);
  free(s);
  return rc == 0 ? 0 : -1;
}

/* scen_list_dir expected to fail with SCEN_BAD_INDEX and a message holding want. */
static void assert_bad_index(const scratch *s, const char *index, const char *want) {
  write_file(s, "headers.txt", index);
  scen_list l;
  char msg[512];
  assert_int_equal(scen_list_dir(s->root, &l, msg, sizeof msg), SCEN_BAD_INDEX);
  assert_int_equal(l.count, 0);
  assert_null(l.items);
  if (strstr(msg, want) == NULL)
    fail_msg("message \"%s\" lacks \"%s\"", msg, want);
}

/* ---- the header ----------------------------------------------------------------------------- */

static void test_header(void **state) {
  (void)state;
  scen_header h = parse("# lesson:  a lesson in one line  \n"
                        "# Watch the first thing.\n"
                        "#\n"
                        "#   Then the second.\n"
                        "import asyncio\n"
                        "# not part of the header\n"
                        "x = 1\n");
  assert_string_equal(h.lesson, "a lesson in one line");
  assert_string_equal(h.watch, "Watch the first thing. Then the second.");
  assert_int_equal(h.npauses, 0);
  assert_int_equal(h.nlines, 7);
  scen_header_free(&h);
  assert_null(h.lesson);
}

static void test_header_edges(void **state) {
  (void)state;
  /* No header at all. */
  scen_header h = parse("import asyncio\n# lesson: too late\n");
  assert_null(h.lesson);
  assert_null(h.watch);
  scen_header_free(&h);
  /* Comment lines before the lesson line (a shebang, a licence) are skipped. */
  h = parse("#!/usr/bin/env python3\n# (c) someone\n# lesson: L\n# W\n\n# after a blank\nx=1\n");
  assert_string_equal(h.lesson, "L");
  assert_string_equal(h.watch, "W");
  scen_header_free(&h);
  /* A lesson without watch text; only the first lesson line counts. */
  h = parse("# lesson: first\n# lesson: second\n");
  assert_string_equal(h.lesson, "first");
  assert_string_equal(h.watch, "lesson: second");
  scen_header_free(&h);
  h = parse("# lesson: alone\nx = 1");
  assert_string_equal(h.lesson, "alone");
  assert_null(h.watch);
  assert_int_equal(h.nlines, 2);
  scen_header_free(&h);
  /* Windows line ends. */
  h = parse("# lesson: crlf\r\n# watch me\r\nx = 1  # pause: here\r\n");
  assert_string_equal(h.lesson, "crlf");
  assert_string_equal(h.watch, "watch me");
  assert_pause(&h, 0, 3, "here");
  scen_header_free(&h);
  /* Empty text. */
  h = parse("");
  assert_null(h.lesson);
  assert_int_equal(h.nlines, 0);
  scen_header_free(&h);
}

/* ---- bookmarks ------------------------------------------------------------------------------ */

static void test_pauses(void **state) {
  (void)state;
  scen_header h = parse("# lesson: L\n"                         /* 1 */
                        "# pause: before the first statement\n" /* 2 */
                        "import asyncio\n"                      /* 3 */
                        "\n"                                    /* 4 */
                        "async def main():\n"                   /* 5 */
                        "    # pause: own line\n"               /* 6 */
                        "\n"                                    /* 7 */
                        "    #pause:tight\n"                    /* 8 */
                        "    await x()  # pause:  trailing  \n" /* 9 */
                        "    y = 1  # pauses: not a bookmark\n" /* 10 */
                        "    # pause: at the end, marks nothing\n");
  assert_int_equal(h.npauses, 4);
  assert_pause(&h, 0, 3, "before the first statement");
  assert_pause(&h, 1, 9, "own line");
  assert_pause(&h, 2, 9, "tight");
  assert_pause(&h, 3, 9, "trailing");
  /* A pause comment in the header block is a bookmark, not watch text. */
  assert_null(h.watch);
  scen_header_free(&h);
}

static void test_pauses_in_long_statements(void **state) {
  (void)state;
  scen_header h = parse("results = await asyncio.gather(\n"    /* 1 */
                        "    a(),  # pause: continuation\n"    /* 2 */
                        "    # pause: inside the brackets\n"   /* 3 */
                        "    b(),\n"                           /* 4 */
                        ")\n"                                  /* 5 */
                        "# pause: before a long one\n"         /* 6 */
                        "total = 1 + \\\n"                     /* 7 */
                        "    2  # pause: after a backslash\n"  /* 8 */
                        "z = {'k': [1,\n"                      /* 9 */
                        "  2]}  # pause: nested brackets\n"    /* 10 */
                        "w = (1))  # pause: stray closer\n"    /* 11 */
                        "v = 2  # pause: depth stays sane\n"); /* 12 */
  assert_int_equal(h.npauses, 7);
  assert_pause(&h, 0, 1, "continuation");
  assert_pause(&h, 1, 1, "inside the brackets");
  assert_pause(&h, 2, 7, "before a long one");
  assert_pause(&h, 3, 7, "after a backslash");
  assert_pause(&h, 4, 9, "nested brackets");
  assert_pause(&h, 5, 11, "stray closer");
  assert_pause(&h, 6, 12, "depth stays sane");
  scen_header_free(&h);
}

static void test_hash_in_strings(void **state) {
  (void)state;
  scen_header h = parse("a = '# pause: no'\n"                              /* 1 */
                        "b = \"it's # pause: no\"  # pause: yes b\n"       /* 2 */
                        "c = 'esc \\' # pause: no'\n"                      /* 3 */
                        "d = \"\"\"\n"                                     /* 4 */
                        "# pause: inside a docstring\n"                    /* 5 */
                        "'\n"                                              /* 6 */
                        "\"\"\"  # pause: yes d\n"                         /* 7 */
                        "e = '''one ''' + '' + \"\"  # pause: yes e\n"     /* 8 */
                        "f = f\"{x!r:>{w}} # pause: no\"  # pause: yes f\n" /* 9 */
                        "g = 'open \\\n"                                   /* 10 */
                        "# pause: continued string'\n"                     /* 11 */
                        "h = 'unterminated # pause: no\n"                  /* 12 */
                        "i = 1  # pause: yes i\n");                        /* 13 */
  assert_int_equal(h.npauses, 5);
  assert_pause(&h, 0, 2, "yes b");
  assert_pause(&h, 1, 4, "yes d");
  assert_pause(&h, 2, 8, "yes e");
  assert_pause(&h, 3, 9, "yes f");
  assert_pause(&h, 4, 13, "yes i");
  scen_header_free(&h);
}

static void test_read(void **state) {
  scratch *s = *state;
  write_file(s, "r.py", "# lesson: from a file\nprint(1)  # pause: p\n");
  char path[1024];
  snprintf(path, sizeof path, "%s/r.py", s->dir);
  scen_header h;
  assert_int_equal(scen_read(path, &h), SCEN_OK);
  assert_string_equal(h.lesson, "from a file");
  assert_pause(&h, 0, 2, "p");
  scen_header_free(&h);
  snprintf(path, sizeof path, "%s/absent.py", s->dir);
  assert_int_equal(scen_read(path, &h), SCEN_NOT_FOUND);
  assert_null(h.lesson);
  /* One byte over the limit. */
  char *big = malloc(SCEN_MAX_FILE + 2);
  assert_non_null(big);
  memset(big, '#', SCEN_MAX_FILE + 1);
  big[SCEN_MAX_FILE + 1] = '\0';
  write_file(s, "big.py", big);
  free(big);
  snprintf(path, sizeof path, "%s/big.py", s->dir);
  assert_int_equal(scen_read(path, &h), SCEN_TOO_LARGE);
  assert_int_equal(h.npauses, 0);
  assert_string_equal(scen_status_str(SCEN_TOO_LARGE), "too large for a scenario");
}

/* ---- listing ---------------------------------------------------------------------------------- */

static void test_list_dir(void **state) {
  scratch *s = *state;
  write_file(s, "zeta.py", "# lesson: the last\nx = 1\n");
  write_file(s, "alpha_long_name.py", "# lesson: the first\n# Watch it.\nx = 1  # pause: p\n");
  write_file(s, "plain.py", "import asyncio\n\nasyncio.run(main())\n");
  write_file(s, "notes.txt", "not a scenario\n");
  write_file(s, "two.dots.py", "# lesson: skipped: no NAME can reach it\n");
  write_file(s, "x.py.expected", "--- status\n0\n");
  char sub[1024];
  snprintf(sub, sizeof sub, "%s/dir.py", s->dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  snprintf(sub, sizeof sub, "%s/folder.py", s->dir);
  assert_int_equal(mkdir(sub, 0700), 0);

  scen_list l;
  char msg[512] = "unchanged";
  assert_int_equal(scen_list_dir(s->root, &l, msg, sizeof msg), SCEN_OK);
  assert_string_equal(msg, "");
  assert_int_equal(l.count, 3);
  assert_string_equal(l.items[0].name, "alpha_long_name");
  assert_string_equal(l.items[1].name, "plain");
  assert_string_equal(l.items[2].name, "zeta");
  char want[1024];
  snprintf(want, sizeof want, "%s/zeta.py", s->dir);
  assert_string_equal(l.items[2].path, want);
  assert_string_equal(l.items[0].header.watch, "Watch it.");
  assert_pause(&l.items[0].header, 0, 3, "p");
  assert_null(l.items[1].header.lesson);
  assert_ptr_equal(scen_find(&l, "zeta"), &l.items[2]);
  assert_null(scen_find(&l, "zet"));

  /* `loopviz list`: names padded to the longest, two spaces, the lesson. */
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  assert_non_null(f);
  assert_int_equal(scen_list_write(&l, f), 0);
  fclose(f);
  assert_string_equal(text, "alpha_long_name  the first\n"
                            "plain\n"
                            "zeta             the last\n");
  free(text);
  scen_list_free(&l);
  assert_int_equal(l.count, 0);

  /* An empty directory lists nothing; a data directory without scenarios/ is an error. */
  char empty[600], empty_dir[700];
  snprintf(empty, sizeof empty, "%s/scenarios/folder.py", s->root);
  snprintf(empty_dir, sizeof empty_dir, "%s/scenarios", empty);
  assert_int_equal(mkdir(empty_dir, 0700), 0);
  assert_int_equal(scen_list_dir(empty, &l, msg, sizeof msg), SCEN_OK);
  assert_int_equal(l.count, 0);
  scen_list_free(&l);
  assert_int_equal(scen_list_dir(s->dir, &l, msg, sizeof msg), SCEN_NOT_FOUND);
  assert_non_null(strstr(msg, "no such file or directory"));
  assert_int_equal(scen_list_dir(s->dir, &l, NULL, 0), SCEN_NOT_FOUND);
}

static void test_headers_txt(void **state) {
  scratch *s = *state;
  write_file(s, "article.py", "import asyncio\n"  /* 1 */
                              "\n"                /* 2 */
                              "async def f():\n"  /* 3 */
                              "    await g()\n"   /* 4 */
                              "asyncio.run(f())"); /* 5, no newline */
  write_file(s, "own.py", "# lesson: its own\nx = 1  # pause: own\n");
  write_file(s, "headers.txt", "# comment\n"
                               "\n"
                               "  [article]  \n"
                               "lesson: from the index\n"
                               "watch: first part\n"
                               "   watch:   second part  \n"
                               "pause 4: await here\n"
                               "pause 1:   import  \n"
                               "pause 4: second at 4\n"
                               "pause 5: last line");
  scen_list l;
  char msg[512];
  assert_int_equal(scen_list_dir(s->root, &l, msg, sizeof msg), SCEN_OK);
  assert_int_equal(l.count, 2);
  const scen_header *h = &scen_find(&l, "article")->header;
  assert_string_equal(h->lesson, "from the index");
  assert_string_equal(h->watch, "first part second part");
  assert_int_equal(h->npauses, 4);
  assert_pause(h, 0, 1, "import");
  assert_pause(h, 1, 4, "await here");
  assert_pause(h, 2, 4, "second at 4");
  assert_pause(h, 3, 5, "last line");
  assert_string_equal(scen_find(&l, "own")->header.lesson, "its own");
  scen_list_free(&l);
}

static void test_headers_txt_errors(void **state) {
  scratch *s = *state;
  write_file(s, "article.py", "x = 1\ny = 2\n");
  write_file(s, "own.py", "# lesson: its own\nx = 1\n");
  assert_bad_index(s, "lesson: x\n", "headers.txt:1: a field before the first [NAME] section");
  assert_bad_index(s, "\n[article\n", "headers.txt:2: a section line is [NAME]");
  assert_bad_index(s, "[]\n", "headers.txt:1: a section line is [NAME]");
  assert_bad_index(s, "[a.b]\n", "headers.txt:1: a section names a scenario");
  assert_bad_index(s, "[article] x\n", "headers.txt:1: a section line is [NAME]");
  assert_bad_index(s, "[absent]\nlesson: x\n", "headers.txt:1: no bundled scenario absent.py");
  assert_bad_index(s, "[own]\nlesson: x\n", "headers.txt:1: own.py has a header of its own");
  assert_bad_index(s, "[article]\nwatch: w\n", "headers.txt:1: section [article] has no lesson");
  assert_bad_index(s, "[article]\nlesson: a\nlesson: b\n", "headers.txt:3: a second lesson");
  assert_bad_index(s, "[article]\nlesson: a\n[article]\nlesson: a\n",
                   "headers.txt:3: a second section [article]");
  assert_bad_index(s, "[article]\nlesson: a\nfoo: b\n", "headers.txt:3: unknown line");
  assert_bad_index(s, "[article]\nlesson: a\npause: b\n", "headers.txt:3: a pause line is");
  assert_bad_index(s, "[article]\nlesson: a\npause 0: b\n", "headers.txt:3: a pause line is");
  assert_bad_index(s, "[article]\nlesson: a\npause 2 b\n", "headers.txt:3: a pause line is");
  assert_bad_index(s, "[article]\nlesson: a\npause 99999999999: b\n",
                   "headers.txt:3: a pause line is");
  assert_bad_index(s, "[article]\nlesson: a\n\npause 3: b\n",
                   "headers.txt:4: pause 3 is past the last line of article.py (2)");
}

/* ---- the bundled library ---------------------------------------------------------------------- */

/* The article's programs, which get their header from headers.txt. */
static const char *const article[] = {"async_generator", "context_manager", "error_handling",
                                      "gather", "greet"};

/* Does the run of path reach line inside a task (a TR_LINE event)? */
static bool run_reaches(const trace *t, int line) {
  size_t n = trace_count(t);
  const trace_event *ev = trace_events(t);
  for (size_t i = 0; i < n; i++)
    if (ev[i].kind == TR_LINE && ev[i].line == line && ev[i].task >= 0)
      return true;
  return false;
}

static void test_bundled_library(void **state) {
  (void)state;
  scen_list l;
  char msg[512];
  /* Unit tests run from the source tree, which is the data directory. */
  assert_int_equal(scen_list_dir(".", &l, msg, sizeof msg), SCEN_OK);
  assert_true(l.count >= 5 + 12);
  for (size_t i = 0; i < sizeof article / sizeof article[0]; i++)
    assert_non_null(scen_find(&l, article[i]));
  for (size_t i = 0; i < l.count; i++) {
    const scen_entry *en = &l.items[i];
    const scen_header *h = &en->header;
    if (i > 0)
      assert_true(strcmp(l.items[i - 1].name, en->name) < 0);
    if (h->lesson == NULL || h->watch == NULL || h->npauses == 0)
      fail_msg("%s: needs a lesson, what to watch and at least one pause", en->name);
    /* One short line in `loopviz list` and the picker. */
    if (strlen(h->lesson) > 80)
      fail_msg("%s: the lesson line is too long", en->name);

    /* Every bookmark is on a line that the run executes. */
    trace *t = trace_new(true);
    assert_non_null(t);
    sim_options o;
    sim_options_init(&o);
    o.trace = t;
    sim_status st = sim_run_file(&o, en->path);
    /* Only a scenario with an expected file (a deadlock) may end in an error. */
    char expected[PATH_MAX];
    snprintf(expected, sizeof expected, "%s.expected", en->path);
    if (st != SIM_OK && (st != SIM_ERROR || access(expected, R_OK) != 0))
      fail_msg("%s: the run ends with status %d", en->name, (int)st);
    for (size_t k = 0; k < h->npauses; k++)
      if (!run_reaches(t, h->pauses[k].line))
        fail_msg("%s: the pause on line %d is never reached", en->name, h->pauses[k].line);
    trace_free(t);
  }
  scen_list_free(&l);
}

/* `loopviz list` prints the bundled library as scen_list_write does: the test binary sits in
 * the build tree, so its data directory is the source tree, the working directory here. */
static void test_list_command(void **state) {
  (void)state;
  scen_list l;
  assert_int_equal(scen_list_dir(".", &l, NULL, 0), SCEN_OK);
  char *want = NULL, *got = NULL, *errs = NULL;
  size_t want_len = 0, got_len = 0, errs_len = 0;
  FILE *f = open_memstream(&want, &want_len);
  assert_non_null(f);
  assert_int_equal(scen_list_write(&l, f), 0);
  fclose(f);
  scen_list_free(&l);

  char *argv[] = {"loopviz", "list", NULL};
  FILE *out = open_memstream(&got, &got_len), *err = open_memstream(&errs, &errs_len);
  assert_non_null(out);
  assert_non_null(err);
  assert_int_equal(cli_main(2, argv, out, err), CLI_EXIT_OK);
  fclose(out);
  fclose(err);
  assert_string_equal(got, want);
  assert_string_equal(errs, "");
  assert_non_null(strstr(got, "\ngreet  "));
  assert_non_null(strstr(got, "  three awaits in a row take 6 s; gather runs the same work in 3 s\n"));
  free(want);
  free(got);
  free(errs);

  /* list takes no operands. */
  char *extra[] = {"loopviz", "list", "gather", NULL};
  out = open_memstream(&got, &got_len);
  err = open_memstream(&errs, &errs_len);
  assert_int_equal(cli_main(3, extra, out, err), CLI_EXIT_USAGE);
  fclose(out);
  fclose(err);
  assert_string_equal(got, "");
  assert_non_null(strstr(errs, "too many arguments for 'list'"));
  free(got);
  free(errs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_header),
      cmocka_unit_test(test_header_edges),
      cmocka_unit_test(test_pauses),
      cmocka_unit_test(test_pauses_in_long_statements),
      cmocka_unit_test(test_hash_in_strings),
      cmocka_unit_test_setup_teardown(test_read, make_scratch, remove_scratch),
      cmocka_unit_test_setup_teardown(test_list_dir, make_scratch, remove_scratch),
      cmocka_unit_test_setup_teardown(test_headers_txt, make_scratch, remove_scratch),
      cmocka_unit_test_setup_teardown(test_headers_txt_errors, make_scratch, remove_scratch),
      cmocka_unit_test(test_bundled_library),
      cmocka_unit_test(test_list_command),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
