/* paths: where loopviz finds its data (bundled scenarios/ and assets/) at run time.
 *
 * The data directory is looked up from the running executable, in this order:
 *   1. the executable's own directory, if it holds a scenarios/ directory;
 *   2. the source tree, when the executable sits in the top of the build tree it was built in
 *      (both directories are compiled in as LOOPVIZ_SOURCE_DIR and LOOPVIZ_BUILD_DIR);
 *   3. ../share/loopviz relative to the executable, as `cmake --install` lays it out. */
#ifndef LOOPVIZ_PATHS_H
#define LOOPVIZ_PATHS_H

#include <stdbool.h>
#include <stddef.h>

enum { PATHS_MAX = 4096 }; /* capacity the callers use for path buffers */

typedef enum paths_status {
  PATHS_OK = 0,        /* the path was written */
  PATHS_NOT_FOUND = 1, /* no candidate exists */
  PATHS_TOO_LONG = 2,  /* the result does not fit in the buffer */
} paths_status;

/* Writes a + "/" + b into out. */
paths_status paths_join(char *out, size_t cap, const char *a, const char *b);

/* Writes the absolute directory of the running executable (from /proc/self/exe). */
paths_status paths_exe_dir(char *out, size_t cap);

/* The lookup described above, for an executable in exe_dir. build_dir and source_dir may be
 * NULL to skip step 2. Writes the data directory into out. */
paths_status paths_data_dir_for(const char *exe_dir, const char *build_dir, const char *source_dir,
                                char *out, size_t cap);

/* The lookup for the running executable, with the directories compiled in. */
paths_status paths_data_dir(char *out, size_t cap);

/* True when the word names a bundled scenario rather than a file: no '/' and no '.'. */
bool paths_is_name(const char *word);

/* Writes data_dir/scenarios/NAME.py into out; PATHS_NOT_FOUND if that file does not exist. */
paths_status paths_scenario(const char *data_dir, const char *name, char *out, size_t cap);

#endif
