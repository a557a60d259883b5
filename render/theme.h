/* theme: every colour, size and duration the window and the exports draw with, read from a small
 * text file (assets/themes/NAME.theme), so drawing code holds no magic numbers.
 *
 * The file format is one `key = value` per line; a line whose first non-blank character is `#`
 * is a comment. Values are colours (`#rrggbb` or `#rrggbbaa`), numbers, a list of colours
 * separated by blanks (task_colors), or words (name). Keys not given keep their built-in value
 * (theme_defaults); an unknown key or a malformed value is an error with its line number.
 *
 * Sizes are in points (one point is one pixel at scale 1); durations in milliseconds. Pure C:
 * no SDL, so layout and scene tests use themes without a display. */
#ifndef LOOPVIZ_THEME_H
#define LOOPVIZ_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct theme_color {
  uint8_t r; /* red */
  uint8_t g; /* green */
  uint8_t b; /* blue */
  uint8_t a; /* opacity, 255 opaque */
} theme_color;

enum {
  THEME_MAX_TASK_COLORS = 16, /* task_colors entries kept */
  THEME_NAME_MAX = 32,        /* bytes of a theme name, NUL included */
};

/* The colour keys: X(field, documentation). The documentation is the field's comment. */
#define THEME_COLORS(X)                                                                            \
  X(background, "window background behind the panels")                                             \
  X(panel, "panel background")                                                                     \
  X(panel_border, "panel outline")                                                                 \
  X(panel_title, "small capitals title of each panel")                                             \
  X(text, "ordinary text")                                                                         \
  X(text_dim, "secondary text: subtitles, hints, line numbers")                                    \
  X(caption_bg, "band behind the caption")                                                         \
  X(caption_text, "the caption sentence")                                                          \
  X(lifeline, "dashed vertical lifelines")                                                         \
  X(lane_header_bg, "box of a lifeline header")                                                    \
  X(lane_header_border, "outline of a lifeline header box")                                        \
  X(loop_color, "EventLoop lifeline header and its arrows")                                        \
  X(io_color, "IO lifeline header and its completions")                                            \
  X(sync_color, "queue, lock and event lifelines")                                                 \
  X(label_bg, "box behind arrow labels, so they read over lifelines")                              \
  X(note_bg, "suspension notes")                                                                   \
  X(note_border, "outline of notes")                                                               \
  X(note_text, "text in notes")                                                                    \
  X(clock_line, "the line across the diagram where the clock jumps")                               \
  X(clock_text, "clock jump labels and the big clock")                                             \
  X(block_bg, "band of a blocked loop (time.sleep)")                                               \
  X(block_text, "text on that band")                                                               \
  X(error, "errors: raise arrows, error messages")                                                 \
  X(error_bg, "band behind an error message")                                                      \
  X(warning, "warnings and deadlock reports")                                                      \
  X(code_text, "source code")                                                                      \
  X(ruler_text, "time ruler labels")                                                               \
  X(timeline_bg, "timeline strip background")                                                      \
  X(timeline_done, "a finished task in the timeline")                                              \
  X(playhead, "timeline playhead")                                                                 \
  X(hint, "key hints")

/* The size keys, in points: X(field, documentation). */
#define THEME_SIZES(X)                                                                             \
  X(caption_pt, "caption sentence font size")                                                      \
  X(info_pt, "step counter and hints font size")                                                   \
  X(label_pt, "arrow label font size")                                                             \
  X(header_pt, "lifeline title font size")                                                         \
  X(sub_pt, "lifeline subtitle and ruler font size")                                               \
  X(note_pt, "note font size")                                                                     \
  X(code_pt, "source code font size")                                                              \
  X(console_pt, "console font size")                                                               \
  X(clock_pt, "big virtual clock font size")                                                       \
  X(panel_title_pt, "panel title font size")                                                       \
  X(queue_pt, "ready queue and timer entries font size")                                           \
  X(margin, "space around the panels")                                                             \
  X(panel_gap, "space between panels")                                                             \
  X(pad, "space inside panels and boxes")                                                          \
  X(radius, "corner radius of panels and boxes")                                                   \
  X(line_w, "ordinary line width")                                                                 \
  X(arrow_w, "arrow line width")                                                                   \
  X(head_len, "arrowhead length")                                                                  \
  X(head_w, "arrowhead width")                                                                     \
  X(dash, "dash length of dashed lines")                                                           \
  X(dash_gap, "gap between dashes")                                                                \
  X(activation_w, "width of an activation bar")                                                    \
  X(lane_gap, "least space between two lifeline header boxes")                                     \
  X(label_gap, "space between an arrow and its label")                                             \
  X(row_gap, "vertical space between diagram rows")                                                \
  X(ruler_w, "width of the time ruler left of the lifelines")                                      \
  X(diagram_margin, "space around the diagram inside its panel")                                   \
  X(caption_h, "height of the caption band")                                                       \
  X(left_w, "width of the left column (code, loop, console) at scale 1")                           \
  X(left_max, "most of the window's width, in percent, the left column takes")                  \
  X(code_share, "share of the left column's height for the code, in percent")                      \
  X(loop_share, "share of the left column's height for the event loop, in percent")                \
  X(timeline_row_h, "height of one task's row in the timeline")                                    \
  X(timeline_bar, "height of a task's bar, in percent of its timeline row")                      \
  X(timeline_max_h, "most height the timeline strip takes")                                        \
  X(timeline_step_share, "percent of the timeline's width spread evenly over steps, the rest by "  \
                         "virtual time")                                                           \
  X(mark_w, "width of a task's mark in the code gutter")                                           \
  X(design_w, "window width the sizes are chosen for; larger windows scale up")                    \
  X(design_h, "window height the sizes are chosen for")                                            \
  X(fit_min, "least automatic scale, in percent")                                                  \
  X(fit_max, "most automatic scale, in percent")                                                   \
  X(window_w, "initial window width")                                                              \
  X(window_h, "initial window height")                                                             \
  X(wheel_step, "points scrolled per mouse-wheel notch")                                           \
  X(label_chars, "most characters of a value (a return value, an exception) shown on an arrow")   \
  X(header_chars, "most characters of a coroutine label in a lifeline header")                  \
  X(label_wrap, "an arrow label wider than this breaks after its verb onto two lines")          \
  X(diagram_fit_min, "least scale, in percent, the diagram shrinks to when it is wider than its "  \
                     "panel; beyond it, it scrolls")                                              \
  X(code_min_pt, "least source font size when long lines shrink it to fit")                        \
  X(code_highlight, "opacity, in percent, of the running task's colour behind its line")           \
  X(waiting_alpha, "opacity, in percent, of a waiting task's colour in the timeline")              \
  X(future_alpha, "opacity, in percent, of the veil over the timeline's future")                   \
  X(header_strip, "height of the coloured strip on top of a lifeline header")                      \
  X(caption_lines, "most lines the caption wraps to")

/* The duration keys, in milliseconds: X(field, documentation). */
#define THEME_TIMES(X)                                                                             \
  X(step_ms, "least time one step's animation lasts at speed 1")                                   \
  X(row_ms, "animation time per diagram row a step adds, at speed 1")                              \
  X(dwell_ms, "pause after a step's animation while playing")                                      \
  X(frame_ms, "time between animation frames")

typedef struct theme {
  char name[THEME_NAME_MAX];                        /* the theme's name */
  theme_color task_colors[THEME_MAX_TASK_COLORS];   /* colour of task i is task_colors[i % n] */
  size_t ntask_colors;                              /* entries of task_colors (at least 1) */
#define THEME_FIELD(field, doc) theme_color field; /* see THEME_COLORS */
  THEME_COLORS(THEME_FIELD)
#undef THEME_FIELD
#define THEME_FIELD(field, doc) float field; /* see THEME_SIZES */
  THEME_SIZES(THEME_FIELD)
#undef THEME_FIELD
#define THEME_FIELD(field, doc) float field; /* see THEME_TIMES */
  THEME_TIMES(THEME_FIELD)
#undef THEME_FIELD
} theme;

typedef enum theme_status {
  THEME_OK = 0,        /* the theme was read */
  THEME_IO_ERROR = 1,  /* the file could not be read */
  THEME_SYNTAX = 2,    /* a line is not `key = value`, or a value is malformed */
  THEME_UNKNOWN = 3,   /* a key that no theme has */
  THEME_BAD_NAME = 4,  /* a theme name with characters other than letters, digits, - and _ */
  THEME_TOO_LONG = 5,  /* a path did not fit */
} theme_status;

/* Fills *t with the built-in theme (the light one), used when no theme file can be read. */
void theme_defaults(theme *t);

/* Applies the `key = value` lines of text (len bytes) to *t. On error *t keeps the lines before
 * the bad one and err gets "line N: why". set, when not NULL, counts the distinct keys given. */
theme_status theme_parse(theme *t, const char *text, size_t len, size_t *set, char *err,
                         size_t cap);

/* theme_defaults, then theme_parse of the file at path. */
theme_status theme_load_file(theme *t, const char *path, char *err, size_t cap);

/* Loads data_dir/assets/themes/NAME.theme. */
theme_status theme_load(theme *t, const char *data_dir, const char *name, char *err, size_t cap);

/* Number of keys a complete theme file sets (every colour, size and time, name, task_colors). */
size_t theme_key_count(void);

/* The colour of task id (>= 0), from the palette. */
theme_color theme_task_color(const theme *t, int32_t task);

/* c with its opacity multiplied by alpha in [0, 1]. */
theme_color theme_fade(theme_color c, float alpha);

/* The colour between a (at 0) and b (at 1). */
theme_color theme_mix(theme_color a, theme_color b, float f);

#endif
