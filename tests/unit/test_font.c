/* Tests for render/font: fontconfig finds the DejaVu files that fonts-dejavu-core installs, and
 * --font overrides are checked. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "font.h"
#include "paths.h"

#include <string.h>
#include <sys/stat.h>

static int is_regular_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void test_family_names(void **state) {
  (void)state;
  assert_string_equal(font_family(FONT_SANS), "DejaVu Sans");
  assert_string_equal(font_family(FONT_MONO), "DejaVu Sans Mono");
}

static void test_find_sans(void **state) {
  (void)state;
  char path[PATHS_MAX];
  assert_int_equal(font_find(FONT_SANS, path, sizeof path), FONT_OK);
  assert_true(is_regular_file(path));
  const char *base = strrchr(path, '/');
  assert_non_null(base);
  assert_string_equal(base, "/DejaVuSans.ttf");
}

static void test_find_mono(void **state) {
  (void)state;
  char path[PATHS_MAX];
  assert_int_equal(font_find(FONT_MONO, path, sizeof path), FONT_OK);
  assert_true(is_regular_file(path));
  const char *base = strrchr(path, '/');
  assert_non_null(base);
  assert_string_equal(base, "/DejaVuSansMono.ttf");
}

static void test_find_reports_short_buffer(void **state) {
  (void)state;
  char path[4];
  assert_int_equal(font_find(FONT_SANS, path, sizeof path), FONT_TOO_LONG);
}

static void test_override_existing_file(void **state) {
  (void)state;
  char found[PATHS_MAX], path[PATHS_MAX];
  assert_int_equal(font_find(FONT_MONO, found, sizeof found), FONT_OK);
  /* The override wins for both faces, even the one it is not the "right" family for. */
  assert_int_equal(font_resolve(found, FONT_SANS, path, sizeof path), FONT_OK);
  assert_string_equal(path, found);
}

static void test_override_missing_or_directory(void **state) {
  (void)state;
  char path[PATHS_MAX];
  assert_int_equal(font_resolve("/nonexistent/font.ttf", FONT_SANS, path, sizeof path),
                   FONT_BAD_OVERRIDE);
  assert_int_equal(font_resolve("/", FONT_MONO, path, sizeof path), FONT_BAD_OVERRIDE);
  char msg[256];
  font_describe(FONT_BAD_OVERRIDE, FONT_SANS, "/nonexistent/font.ttf", msg, sizeof msg);
  assert_non_null(strstr(msg, "--font /nonexistent/font.ttf"));
}

static void test_describe_not_found_says_how_to_fix(void **state) {
  (void)state;
  char msg[256];
  font_describe(FONT_NOT_FOUND, FONT_MONO, NULL, msg, sizeof msg);
  assert_non_null(strstr(msg, "DejaVu Sans Mono"));
  assert_non_null(strstr(msg, "fonts-dejavu-core"));
  assert_non_null(strstr(msg, "--font PATH"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_family_names),
      cmocka_unit_test(test_find_sans),
      cmocka_unit_test(test_find_mono),
      cmocka_unit_test(test_find_reports_short_buffer),
      cmocka_unit_test(test_override_existing_file),
      cmocka_unit_test(test_override_missing_or_directory),
      cmocka_unit_test(test_describe_not_found_says_how_to_fix),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
