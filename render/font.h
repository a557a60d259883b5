/* font: finds the font files loopviz draws with, through fontconfig.
 *
 * loopviz ships no font files. It asks fontconfig for DejaVu Sans (labels), DejaVu Sans Bold
 * (titles) and DejaVu Sans Mono (source code), which Debian's fonts-dejavu-core package provides.
 * The user can override all of them with one file (--font PATH). */
#ifndef LOOPVIZ_FONT_H
#define LOOPVIZ_FONT_H

#include <stddef.h>

typedef enum font_face {
  FONT_SANS = 0, /* proportional text: titles, labels */
  FONT_MONO = 1, /* source code */
  FONT_SANS_BOLD = 2, /* titles: DejaVu Sans at bold weight */
} font_face;

typedef enum font_status {
  FONT_OK = 0,            /* a path was written */
  FONT_NOT_FOUND = 1,     /* fontconfig has no such family installed */
  FONT_BAD_OVERRIDE = 2,  /* the --font path is not a readable regular file */
  FONT_NO_FONTCONFIG = 3, /* fontconfig could not be initialised */
  FONT_TOO_LONG = 4,      /* the path does not fit in the buffer */
} font_status;

/* The fontconfig family name wanted for a face ("DejaVu Sans", "DejaVu Sans Mono"). */
const char *font_family(font_face face);

/* Writes the file of the installed font whose family is exactly font_family(face). A fallback
 * that fontconfig would substitute for a missing family does not count: FONT_NOT_FOUND. */
font_status font_find(font_face face, char *path, size_t cap);

/* The file to use for a face: override when not NULL (checked to be a readable regular file),
 * else font_find. */
font_status font_resolve(const char *override, font_face face, char *path, size_t cap);

/* One line explaining a status to the user, for messages; face and override give context. */
void font_describe(font_status st, font_face face, const char *override, char *msg, size_t cap);

#endif
