/* gui: the drawing half of loopviz (the window, and the exports that draw: frames, video, a PNG
 * still, SVG) as a module the executable loads only when a command draws.
 *
 * `loopviz run`, `trace`, `list`, `--help`, `--version` and the text exports (mermaid, Chrome
 * trace) need none of SDL, SDL_ttf, SDL_image, fontconfig or libpng, whose ~70 libraries the
 * dynamic loader would otherwise map and relocate at every start. So the executable links only
 * the simulator and the command line; everything that draws is built into loopviz-gui.so (a CMake
 * MODULE), which the executable dlopen()s when the window or a picture export is asked for.
 *
 * Where the module is (gui_module_path): next to the executable (the build tree, or any flat
 * copy), else GUI_MODULE_RELDIR relative to the executable's directory, as `cmake --install` lays
 * it out (bin/loopviz, lib/loopviz/loopviz-gui.so).
 *
 * The boundary is one function, gui_entry, exported by the module and found with dlsym. The
 * command line parses and checks everything (cli.c); the module gets a gui_request of already
 * resolved paths and checked options, never argv, so there is one parser. The ABI check: the
 * caller passes GUI_ABI_VERSION and sizeof (gui_request); the module runs the request only when
 * both equal its own, else it returns -(its GUI_ABI_VERSION) without reading the request.
 * Bump GUI_ABI_VERSION on any change to gui_request, exp_options or sim_limits (the sizes catch
 * most of a forgotten bump, not all). */
#ifndef LOOPVIZ_GUI_H
#define LOOPVIZ_GUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "export.h"
#include "sim.h"

enum { GUI_ABI_VERSION = 1 }; /* the boundary's version, see above */

/* The module's file name, and the name of its one exported function. */
#define GUI_MODULE_FILE "loopviz-gui.so"
#define GUI_ENTRY_NAME "gui_entry"

typedef enum gui_command {
  GUI_WINDOW = 1,   /* open the window */
  GUI_PICTURES = 2, /* write the picture exports of exp: frames, video, still, SVG */
} gui_command;

/* What the executable asks the module to do. Every path is resolved and every option checked. */
typedef struct gui_request {
  gui_command command;  /* what to do */
  FILE *err;            /* where messages go (the executable's stderr) */
  const char *scenario; /* the scenario file; window: NULL opens the picker */
  const char *font;     /* --font PATH, or NULL for DejaVu through fontconfig */
  const char *icon;     /* window: the window icon file, or NULL */
  const char *theme;    /* window: --theme NAME, or NULL (pictures: in exp) */
  sim_limits limits;    /* the --max-* options given; a zero field keeps the default */
  exp_options exp;      /* pictures: checked by exp_options_from_args (font, limits: above) */
  bool traced;          /* pictures: a trace export ran the scenario already and said its error */
} gui_request;

/* The module's entry: carries out req and returns the exit status loopviz exits with, or, when
 * abi or request_size differ from the module's own, -(the module's GUI_ABI_VERSION) without
 * touching req. Defined in loopviz-gui.so only (gui.c). */
typedef int (*gui_entry_fn)(unsigned abi, size_t request_size, const gui_request *req);
__attribute__((visibility("default"))) int gui_entry(unsigned abi, size_t request_size,
                                                     const gui_request *req);

/* ---- the executable's side (guiload.c) ------------------------------------------------------ */

typedef enum gui_status {
  GUI_OK = 0,         /* the module ran the request: *exit_status is set */
  GUI_NOT_LOADED = 1, /* dlopen() failed: the message names the path and says dlerror() */
  GUI_NO_ENTRY = 2,   /* the file loaded but has no gui_entry */
  GUI_WRONG_ABI = 3,  /* the module was built for another GUI_ABI_VERSION or gui_request */
} gui_status;

/* Writes the module's path for an executable in exe_dir into out: exe_dir/GUI_MODULE_FILE if that
 * file exists, else exe_dir/reldir/GUI_MODULE_FILE (with "../" taken off exe_dir), whether or not
 * it exists. False when it does not fit in cap. */
bool gui_module_path(const char *exe_dir, const char *reldir, char *out, size_t cap);

/* Loads the module (it stays loaded; loading it again is the same handle) and runs req through
 * gui_entry. On anything but
 * GUI_OK, why holds one line naming the module's path and what went wrong. */
gui_status gui_call(const gui_request *req, int *exit_status, char *why, size_t cap);

#endif
