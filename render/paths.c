/* paths: the data-directory lookup. See paths.h for the order and why. */
#define _XOPEN_SOURCE 700

#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LOOPVIZ_SOURCE_DIR
#define LOOPVIZ_SOURCE_DIR NULL
#endif
#ifndef LOOPVIZ_BUILD_DIR
#define LOOPVIZ_BUILD_DIR NULL
#endif

paths_status paths_join(char *out, size_t cap, const char *a, const char *b) {
  int n = snprintf(out, cap, "%s/%s", a, b);
  return n < 0 || (size_t)n >= cap ? PATHS_TOO_LONG : PATHS_OK;
}

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A directory counts as loopviz's data directory when it holds scenarios/. */
static bool has_scenarios(const char *dir) {
  char buf[PATHS_MAX];
  return paths_join(buf, sizeof buf, dir, "scenarios") == PATHS_OK && is_dir(buf);
}

/* Both directories exist and are the same one once symbolic links are resolved. */
static bool same_dir(const char *a, const char *b) {
  char ra[PATH_MAX], rb[PATH_MAX];
  return realpath(a, ra) != NULL && realpath(b, rb) != NULL && strcmp(ra, rb) == 0;
}

static paths_status copy_path(char *out, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap)
    return PATHS_TOO_LONG;
  memcpy(out, src, n + 1);
  return PATHS_OK;
}

paths_status paths_exe_dir(char *out, size_t cap) {
  char buf[PATHS_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return PATHS_NOT_FOUND;
  if ((size_t)n >= sizeof buf - 1)
    return PATHS_TOO_LONG;
  buf[n] = '\0';
  char *slash = strrchr(buf, '/');
  if (slash == NULL)
    return PATHS_NOT_FOUND;
  *slash = '\0';
  return copy_path(out, cap, slash == buf ? "/" : buf);
}

paths_status paths_data_dir_for(const char *exe_dir, const char *build_dir, const char *source_dir,
                                char *out, size_t cap) {
  if (has_scenarios(exe_dir))
    return copy_path(out, cap, exe_dir);
  if (build_dir != NULL && source_dir != NULL && same_dir(exe_dir, build_dir) && is_dir(source_dir))
    return copy_path(out, cap, source_dir);
  char installed[PATHS_MAX];
  if (paths_join(installed, sizeof installed, exe_dir, "../share/loopviz") != PATHS_OK)
    return PATHS_TOO_LONG;
  char resolved[PATH_MAX];
  if (realpath(installed, resolved) != NULL && is_dir(resolved))
    return copy_path(out, cap, resolved);
  return PATHS_NOT_FOUND;
}

paths_status paths_data_dir(char *out, size_t cap) {
  char exe_dir[PATHS_MAX];
  paths_status st = paths_exe_dir(exe_dir, sizeof exe_dir);
  if (st != PATHS_OK)
    return st;
  return paths_data_dir_for(exe_dir, LOOPVIZ_BUILD_DIR, LOOPVIZ_SOURCE_DIR, out, cap);
}

bool paths_is_name(const char *word) {
  return word[0] != '\0' && strchr(word, '/') == NULL && strchr(word, '.') == NULL;
}

paths_status paths_scenario(const char *data_dir, const char *name, char *out, size_t cap) {
  int n = snprintf(out, cap, "%s/scenarios/%s.py", data_dir, name);
  if (n < 0 || (size_t)n >= cap)
    return PATHS_TOO_LONG;
  return is_file(out) ? PATHS_OK : PATHS_NOT_FOUND;
}
