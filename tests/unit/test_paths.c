/* Tests for render/paths: the data-directory lookup in the build tree and in an install tree. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A scratch tree under /tmp: root/bin, root/share/loopviz/scenarios/demo.py. */
typedef struct tree {
  char root[256];   /* the temporary directory, symbolic links resolved */
  char bin[512];    /* root/bin, where the "executable" lives */
  char share[512];  /* root/share/loopviz */
  char scen[1024];  /* root/share/loopviz/scenarios */
  char demo[2048];  /* root/share/loopviz/scenarios/demo.py */
  char binsc[1024]; /* root/bin/scenarios, made by some tests only */
} tree;

static int make_tree(void **state) {
  tree *t = calloc(1, sizeof *t);
  char tmpl[] = "/tmp/loopviz_test_paths_XXXXXX", resolved[PATH_MAX];
  if (t == NULL || mkdtemp(tmpl) == NULL || realpath(tmpl, resolved) == NULL ||
      strlen(resolved) >= sizeof t->root)
    return -1;
  memcpy(t->root, resolved, strlen(resolved) + 1);
  snprintf(t->bin, sizeof t->bin, "%s/bin", t->root);
  snprintf(t->share, sizeof t->share, "%s/share", t->root);
  mkdir(t->bin, 0700);
  mkdir(t->share, 0700);
  snprintf(t->share, sizeof t->share, "%s/share/loopviz", t->root);
  snprintf(t->scen, sizeof t->scen, "%s/scenarios", t->share);
  snprintf(t->demo, sizeof t->demo, "%s/demo.py", t->scen);
  snprintf(t->binsc, sizeof t->binsc, "%s/scenarios", t->bin);
  mkdir(t->share, 0700);
  mkdir(t->scen, 0700);
  FILE *f = fopen(t->demo, "w");
  if (f == NULL)
    return -1;
  fputs("print('demo')\n", f);
  fclose(f);
  *state = t;
  return 0;
}

static int remove_tree(void **state) {
  tree *t = *state;
  char parent[PATH_MAX];
  unlink(t->demo);
  rmdir(t->scen);
  rmdir(t->share);
  snprintf(parent, sizeof parent, "%s/share", t->root);
  rmdir(parent);
  rmdir(t->binsc);
  rmdir(t->bin);
  rmdir(t->root);
  free(t);
  return 0;
}

static void test_join(void **state) {
  (void)state;
  char out[16];
  assert_int_equal(paths_join(out, sizeof out, "a/b", "c.py"), PATHS_OK);
  assert_string_equal(out, "a/b/c.py");
  assert_int_equal(paths_join(out, sizeof out, "a-long-directory", "file"), PATHS_TOO_LONG);
}

static void test_is_name(void **state) {
  (void)state;
  assert_true(paths_is_name("gather"));
  assert_true(paths_is_name("task_group"));
  assert_false(paths_is_name("gather.py"));
  assert_false(paths_is_name("dir/gather"));
  assert_false(paths_is_name(""));
}

static void test_installed_layout(void **state) {
  tree *t = *state;
  char out[PATHS_MAX];
  assert_int_equal(paths_data_dir_for(t->bin, NULL, NULL, out, sizeof out), PATHS_OK);
  assert_string_equal(out, t->share);
}

static void test_next_to_executable_wins(void **state) {
  tree *t = *state;
  assert_int_equal(mkdir(t->binsc, 0700), 0);
  char out[PATHS_MAX];
  assert_int_equal(paths_data_dir_for(t->bin, NULL, NULL, out, sizeof out), PATHS_OK);
  assert_string_equal(out, t->bin);
  rmdir(t->binsc);
}

static void test_build_tree_uses_source_dir(void **state) {
  tree *t = *state;
  char out[PATHS_MAX];
  /* exe_dir is the build dir: the source dir is used, before ../share/loopviz. */
  assert_int_equal(paths_data_dir_for(t->bin, t->bin, t->root, out, sizeof out), PATHS_OK);
  assert_string_equal(out, t->root);
  /* Another build dir: this is no build tree, so the install layout applies. */
  assert_int_equal(paths_data_dir_for(t->bin, t->share, t->root, out, sizeof out), PATHS_OK);
  assert_string_equal(out, t->share);
}

static void test_nothing_found(void **state) {
  tree *t = *state;
  char out[PATHS_MAX];
  /* root/share/loopviz/scenarios has no ../share/loopviz and no scenarios/ of its own. */
  assert_int_equal(paths_data_dir_for(t->scen, NULL, NULL, out, sizeof out), PATHS_NOT_FOUND);
}

static void test_scenario_by_name(void **state) {
  tree *t = *state;
  char out[PATHS_MAX];
  assert_int_equal(paths_scenario(t->share, "demo", out, sizeof out), PATHS_OK);
  assert_string_equal(out, t->demo);
  assert_int_equal(paths_scenario(t->share, "absent", out, sizeof out), PATHS_NOT_FOUND);
}

/* The test binary itself runs from the top of the build tree, as loopviz does. */
static void test_running_executable(void **state) {
  (void)state;
  char exe[PATHS_MAX], want[PATH_MAX], got[PATH_MAX];
  assert_int_equal(paths_exe_dir(exe, sizeof exe), PATHS_OK);
  assert_non_null(realpath(exe, got));
  assert_non_null(realpath(LOOPVIZ_BUILD_DIR, want));
  assert_string_equal(got, want);
  char data[PATHS_MAX];
  assert_int_equal(paths_data_dir(data, sizeof data), PATHS_OK);
  assert_string_equal(data, LOOPVIZ_SOURCE_DIR);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_join),
      cmocka_unit_test(test_is_name),
      cmocka_unit_test_setup_teardown(test_installed_layout, make_tree, remove_tree),
      cmocka_unit_test_setup_teardown(test_next_to_executable_wins, make_tree, remove_tree),
      cmocka_unit_test_setup_teardown(test_build_tree_uses_source_dir, make_tree, remove_tree),
      cmocka_unit_test_setup_teardown(test_nothing_found, make_tree, remove_tree),
      cmocka_unit_test_setup_teardown(test_scenario_by_name, make_tree, remove_tree),
      cmocka_unit_test(test_running_executable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
