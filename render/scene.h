/* scene: what one frame shows, as a flat list of drawing commands.
 *
 * scene_build is a pure function of its input: the diagram, the playhead (a stop and the
 * fraction of its animation shown), the view (output size, scale, scroll) and the theme. The same
 * input always gives the same list, so any frame can be drawn on its own (the window, a test, a
 * frame export), and stepping back to stop k gives exactly the list of stop k.
 *
 * Commands are in output pixels. A backend replays them in order: rectangles (filled, outlined,
 * rounded), solid and dashed lines of a width, filled triangles (arrowheads), text with its
 * top-left corner at a point, and a clip stack. Text is stored in the list's own string pool. */
#ifndef LOOPVIZ_SCENE_H
#define LOOPVIZ_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "theme.h"

typedef enum scene_op {
  SC_FILL_RECT,  /* (x0,y0)-(x1,y1) filled */
  SC_RECT,       /* (x0,y0)-(x1,y1) outlined, width */
  SC_FILL_ROUND, /* filled with corners of radius */
  SC_ROUND,      /* outlined with corners of radius, width */
  SC_LINE,       /* (x0,y0) to (x1,y1), width */
  SC_DASH,       /* dashed: dash on, gap off, width */
  SC_TRIANGLE,   /* filled (x0,y0) (x1,y1) (x2,y2) */
  SC_TEXT,       /* text, face and size, top-left corner (x0,y0) */
  SC_CLIP_PUSH,  /* clip to (x0,y0)-(x1,y1) within the current clip */
  SC_CLIP_POP,   /* back to the clip before the matching push */
  SC_KEEP_BEGIN, /* the commands up to SC_KEEP_END draw inside (x0,y0)-(x1,y1) only, the first an
                    opaque fill of all of it, and are often the same from frame to frame: a
                    backend may keep their pixels and copy them while they are (no nesting) */
  SC_KEEP_END    /* the end of those commands */
} scene_op;

typedef struct scene_cmd {
  scene_op op;       /* what to draw */
  theme_color color; /* fill, stroke or text colour, opacity included */
  float x0, y0;      /* first point: rect corner, line start, text corner */
  float x1, y1;      /* second point: opposite rect corner, line end */
  float x2, y2;      /* triangles: third corner */
  float width;       /* stroke width */
  float radius;      /* rounded rects: corner radius */
  float dash, gap;   /* dashed lines: lengths on and off */
  layout_face face;  /* text: font */
  int size;          /* text: size in pixels */
  uint32_t text;     /* text: offset in the list's pool */
  uint32_t len;      /* text: bytes */
} scene_cmd;

typedef struct scene_list {
  scene_cmd *cmds; /* the commands, in drawing order */
  size_t n;        /* entries */
  size_t cap;      /* allocated */
  char *pool;      /* text bytes */
  size_t pool_len; /* bytes used */
  size_t pool_cap; /* bytes allocated */
  bool oom;        /* an allocation failed: the list is incomplete */
} scene_list;

typedef struct scene_rect {
  float x, y, w, h; /* pixels */
} scene_rect;

/* Where the panels are, in pixels. */
typedef struct scene_panels {
  scene_rect caption;  /* the sentence and the step counter, across the top */
  scene_rect code;     /* the source */
  scene_rect loop;     /* clock, ready queue, timers */
  scene_rect console;  /* the program's output */
  scene_rect diagram;  /* the sequence diagram */
  scene_rect timeline; /* one row per task, across the bottom */
  float dscale;        /* pixels per diagram point (the diagram may shrink to fit) */
} scene_panels;

typedef struct scene_view {
  int w, h;             /* output size in pixels */
  float scale;          /* pixels per theme point: display density, zoom and fit together */
  float scroll_x;       /* diagram: points scrolled right */
  float scroll_y;       /* diagram: points scrolled down, unless follow */
  bool follow;          /* the diagram scrolls with the playhead (scroll_y is ignored) */
  bool diagram_only;    /* no panels, the diagram fills the output */
  bool playing;         /* shown in the caption band */
  float speed;          /* playback speed, shown in the caption band */
  const char *error;    /* an error to show across the caption band, or NULL */
  const char *err_text; /* the run's error output (traceback), shown in the console at the end */
  bool no_keys;         /* the caption band leaves out the key hints (exported frames, videos) */
} scene_view;

typedef struct scene_input {
  const layout_diagram *diagram; /* what to show */
  size_t stop;                   /* the playhead */
  float fraction;                /* how much of the stop's animation is shown, 0..1 */
  const scene_view *view;        /* output and scrolling */
  const theme *theme;            /* colours and sizes */
  layout_measure_fn measure;     /* text measuring, in pixels at the given size */
  void *measure_user;            /* passed to measure */
} scene_input;

void scene_list_init(scene_list *l);
void scene_list_free(scene_list *l);
void scene_list_clear(scene_list *l);
/* Same commands and the same texts. */
bool scene_list_equal(const scene_list *a, const scene_list *b);
/* The text of a SC_TEXT command (not NUL-terminated: c->len bytes). */
const char *scene_cmd_text(const scene_list *l, const scene_cmd *c);

/* Appends a filled rectangle (rounded when radius > 0) at (x, y), w by h pixels: overlays a
 * window draws over a frame. */
void scene_add_fill(scene_list *l, float x, float y, float w, float h, float radius,
                    theme_color c);
/* Appends text s with its top-left corner at (x, y). */
void scene_add_text(scene_list *l, layout_face face, int size, float x, float y, theme_color c,
                    const char *s);

/* Clears out and fills it with the frame. Returns false when memory ran out. */
bool scene_build(const scene_input *in, scene_list *out);

/* Where the panels are for this input. */
void scene_layout_panels(const scene_input *in, scene_panels *out);

/* The diagram scroll (points) that keeps the playhead's rows in sight: what follow uses. */
float scene_follow_y(const scene_input *in);

/* The largest useful scrolls, in points. */
void scene_scroll_limits(const scene_input *in, float *max_x, float *max_y);

/* The stop under pixel x of the timeline strip, or -1 when (x, y) is not on the strip. */
long scene_timeline_stop_at(const scene_input *in, float x, float y);

/* The fit factor of a w x h output at density 1 and no zoom, shared by the window (w x h in window
 * points), frame export and bench_render (in pixels): the theme's sizes are chosen for design_w x
 * design_h and grow or shrink with the output, within fit_min..fit_max percent. */
float scene_fit_scale(const theme *t, int w, int h);

/* A clock of the timeline's axis as snprintf's "%g s" writes it (cap at least 32 bytes). */
void scene_format_seconds(char *buf, size_t cap, double t);

/* How long stop k's animation lasts at speed 1, in milliseconds. */
float scene_stop_ms(const layout_diagram *d, const theme *t, size_t k);

#endif
