/* gui: the executable's side of the drawing module: find it, load it, check it, call it. See
 * gui.h. */
#define _POSIX_C_SOURCE 200809L /* dlopen, dlsym, dlerror */

#include "gui.h"

#include "paths.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Where `cmake --install` puts the module, relative to the executable's directory. */
#ifndef LOOPVIZ_GUI_RELDIR
#define LOOPVIZ_GUI_RELDIR "../lib/loopviz"
#endif

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool gui_module_path(const char *exe_dir, const char *reldir, char *out, size_t cap) {
  int n = snprintf(out, cap, "%s/%s", exe_dir, GUI_MODULE_FILE);
  if (n < 0 || (size_t)n >= cap)
    return false;
  if (is_file(out))
    return true;
  /* exe_dir less one directory per leading "../" of reldir, so the message names a plain path */
  size_t len = strlen(exe_dir);
  while (strncmp(reldir, "../", 3) == 0 && len > 1) {
    while (len > 1 && exe_dir[len - 1] != '/')
      len--;
    if (len > 1)
      len--; /* the slash itself, unless it is the root */
    reldir += 3;
  }
  if (reldir[0] == '/')
    n = snprintf(out, cap, "%s/%s", reldir, GUI_MODULE_FILE);
  else if (len == 1 && exe_dir[0] == '/')
    n = snprintf(out, cap, "/%s/%s", reldir, GUI_MODULE_FILE);
  else
    n = snprintf(out, cap, "%.*s/%s/%s", (int)len, exe_dir, reldir, GUI_MODULE_FILE);
  return n >= 0 && (size_t)n < cap;
}

gui_status gui_call(const gui_request *req, int *exit_status, char *why, size_t cap) {
  char dir[PATHS_MAX], path[PATHS_MAX];
  if (paths_exe_dir(dir, sizeof dir) != PATHS_OK) {
    snprintf(why, cap,
             "cannot load the drawing module %s: the executable's directory is unknown "
             "(/proc/self/exe)",
             GUI_MODULE_FILE);
    return GUI_NOT_LOADED;
  }
  if (!gui_module_path(dir, LOOPVIZ_GUI_RELDIR, path, sizeof path)) {
    snprintf(why, cap, "cannot load the drawing module: its path under %.200s is too long", dir);
    return GUI_NOT_LOADED;
  }
  /* Lazy binding, as when the executable linked SDL: RTLD_NOW would bind every function of the
   * ~70 libraries below the module up front, +4% instructions for a small PNG export. The module
   * is linked with --no-undefined, so nothing it calls is missing. */
  void *module = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
  if (module == NULL) {
    const char *e = dlerror();
    size_t n = strlen(path);
    if (e == NULL)
      e = "?";
    else if (strncmp(e, path, n) == 0 && strncmp(e + n, ": ", 2) == 0)
      e += n + 2; /* glibc starts with the path, which the message names already */
    snprintf(why, cap,
             "cannot load the drawing module %s: %s (the window and the picture exports need it)",
             path, e);
    return GUI_NOT_LOADED;
  }
  dlerror(); /* clear, so a NULL from dlsym is told apart from a symbol whose value is NULL */
  void *symbol = dlsym(module, GUI_ENTRY_NAME);
  if (symbol == NULL) {
    const char *e = dlerror();
    snprintf(why, cap, "the drawing module %s has no %s: %s", path, GUI_ENTRY_NAME,
             e != NULL ? e : "?");
    return GUI_NO_ENTRY;
  }
  /* POSIX guarantees a function's address survives the trip through void *, which ISO C does
   * not promise: copy the bytes rather than convert. */
  gui_entry_fn entry;
  _Static_assert(sizeof entry == sizeof symbol, "function and object pointers differ in size");
  memcpy(&entry, &symbol, sizeof entry);
  int status = entry(GUI_ABI_VERSION, sizeof *req, req);
  if (status < 0) {
    snprintf(why, cap,
             "the drawing module %s was built for another loopviz (interface version %d, or a "
             "different layout; this loopviz has %d)",
             path, -status, GUI_ABI_VERSION);
    return GUI_WRONG_ABI;
  }
  *exit_status = status;
  return GUI_OK;
}
