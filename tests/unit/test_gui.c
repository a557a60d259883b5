/* Tests for render/gui: where the executable looks for loopviz-gui.so, and the module's ABI
 * check (the module built beside the tests, loaded as the executable loads it). */
#define _POSIX_C_SOURCE 200809L /* dlopen, mkdtemp */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gui.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void expect_path(const char *exe_dir, const char *reldir, const char *want) {
  char out[512];
  assert_true(gui_module_path(exe_dir, reldir, out, sizeof out));
  assert_string_equal(out, want);
}

/* No module beside the executable: the install layout, "../" taken off the directory. */
static void test_install_layout(void **state) {
  (void)state;
  expect_path("/nonexistent/usr/bin", "../lib/loopviz",
              "/nonexistent/usr/lib/loopviz/loopviz-gui.so");
  expect_path("/nonexistent/usr/bin", "../lib/x86_64-linux-gnu/loopviz",
              "/nonexistent/usr/lib/x86_64-linux-gnu/loopviz/loopviz-gui.so");
  expect_path("/nonexistent/a/b/bin", "../../lib", "/nonexistent/a/lib/loopviz-gui.so");
  expect_path("/bin", "../lib/loopviz", "/lib/loopviz/loopviz-gui.so");
  expect_path("/nonexistent/bin", "lib", "/nonexistent/bin/lib/loopviz-gui.so");
  expect_path("/nonexistent/bin", "/opt/loopviz", "/opt/loopviz/loopviz-gui.so");
}

/* A module beside the executable (the build tree, a flat copy) comes first. */
static void test_beside_first(void **state) {
  (void)state;
  char dir[] = "/tmp/loopviz_test_gui_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char file[256], want[256];
  snprintf(file, sizeof file, "%s/%s", dir, GUI_MODULE_FILE);
  FILE *f = fopen(file, "w");
  assert_non_null(f);
  fclose(f);
  snprintf(want, sizeof want, "%s/loopviz-gui.so", dir);
  expect_path(dir, "../lib/loopviz", want);
  unlink(file);
  rmdir(dir);
}

static void test_too_long(void **state) {
  (void)state;
  char out[16];
  assert_false(gui_module_path("/nonexistent/usr/bin", "../lib/loopviz", out, sizeof out));
}

/* The module refuses a caller of another ABI version or request size without reading the
 * request (NULL here), and says its own version. */
static void test_abi_check(void **state) {
  (void)state;
  /* RTLD_NOW, unlike gui_call: every symbol the module and its libraries use must resolve */
  void *module = dlopen(LOOPVIZ_BUILD_DIR "/" GUI_MODULE_FILE, RTLD_NOW | RTLD_LOCAL);
  if (module == NULL)
    fail_msg("dlopen: %s", dlerror());
  void *symbol = dlsym(module, GUI_ENTRY_NAME);
  assert_non_null(symbol);
  gui_entry_fn entry;
  memcpy(&entry, &symbol, sizeof entry);
  assert_int_equal(entry(GUI_ABI_VERSION + 1, sizeof(gui_request), NULL), -GUI_ABI_VERSION);
  assert_int_equal(entry(GUI_ABI_VERSION, sizeof(gui_request) - 1, NULL), -GUI_ABI_VERSION);
  /* gui_entry is all it exports */
  assert_null(dlsym(module, "exp_run"));
  assert_null(dlsym(module, "sim_run_file"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_install_layout),
      cmocka_unit_test(test_beside_first),
      cmocka_unit_test(test_too_long),
      cmocka_unit_test(test_abi_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
