/* svg: a scene's display list as an SVG document, with real <text> elements.
 *
 * The same list the window and the PNG frames replay becomes vector graphics for articles: every
 * rectangle, line, dash and arrowhead is an SVG shape, every SC_TEXT command exactly one <text>
 * element holding its string (so it can be searched, selected and translated), and the clip stack
 * becomes nested groups with clip paths. Pure C: no SDL, no font library. The baseline of a text
 * (SVG places text by its baseline, the list by its top-left corner) comes from a callback, so
 * the caller can answer with the very font the list was measured with.
 *
 * Output is deterministic: the same list and options give the same bytes, with numbers in fixed
 * notation whatever the locale. */
#ifndef LOOPVIZ_SVG_H
#define LOOPVIZ_SVG_H

#include <stddef.h>

#include "fmt.h"
#include "layout.h"
#include "scene.h"

/* The distance in pixels from the top of a line of text in face at size pixels to its baseline
 * (the font's ascent). */
typedef float (*svg_ascent_fn)(void *user, layout_face face, int size);

typedef struct svg_options {
  int w, h;                  /* canvas size in pixels (the list's output size) */
  const char *title;         /* the document's <title>, or NULL for none */
  svg_ascent_fn ascent;      /* baselines; NULL: svg_default_ascent */
  void *ascent_user;         /* passed to ascent */
  layout_measure_fn measure; /* when set, each text gets textLength, its measured width */
  void *measure_user;        /* passed to measure */
} svg_options;

typedef enum svg_status {
  SVG_OK = 0,        /* out holds the document */
  SVG_NO_MEMORY = 1, /* an allocation failed; out is incomplete */
  SVG_BAD_LIST = 2,  /* the list pops a clip it never pushed, or is marked incomplete (oom) */
} svg_status;

/* The ascent of DejaVu Sans and DejaVu Sans Mono (0.928 em), for callers without fonts. */
float svg_default_ascent(void *user, layout_face face, int size);

/* The font-family list SVG names for a face ("'DejaVu Sans', Verdana, sans-serif"). */
const char *svg_family(layout_face face);

/* Appends the whole document (XML declaration, <svg> root, shapes, texts) for list to out.
 * Clips still open at the end of the list are closed. */
svg_status svg_write(const scene_list *list, const svg_options *o, fmt_buf *out);

/* Appends text (len bytes of UTF-8) escaped for XML character data or an attribute value:
 * & < > " ' become entities, bytes that are not valid UTF-8 and characters XML 1.0 forbids
 * (controls other than tab, newline and return) become U+FFFD. */
svg_status svg_escape(fmt_buf *out, const char *text, size_t len);

#endif
