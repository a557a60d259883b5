/* export: the window's pictures, headless and deterministic, for slides, videos and articles.
 *
 * One run of a scenario, laid out once, rendered offscreen (sdlr's software renderer: no display)
 * into any of:
 *   - a frame sequence DIR/frame_00001.png ... (the names ffmpeg's frame_%05d.png reads) with
 *     DIR/frames.tsv saying which step and virtual time each frame shows;
 *   - a video (.mp4, .webm or .gif) through ffmpeg, fed raw frames on a pipe;
 *   - a still PNG of one step;
 *   - an SVG of the whole diagram, from the same display list (svg.h).
 *
 * Timing. The playhead starts at the first step shown (--from), as a still; every later step
 * animates in, as the window does when playing. Each step is shown for
 *     frames_per_step = round(step_ms * fps / 1000), at least 1,
 * frames, so an export of steps from..to has (to - from + 1) * frames_per_step frames. Within a
 * step, frame j (0-based) is at (j + 1) / fps seconds; the step's animation runs at the window's
 * speed (scene_stop_ms) when that fits in the step, else it is compressed into the step, and the
 * step's last frame always shows it complete (fraction 1).
 *
 * Nothing is lost: every file is written under a temporary name and renamed; a frame directory
 * holding anything but an earlier export's frames is refused unless forced; on an error or on
 * SIGINT/SIGTERM the export stops after the frame in hand, leaves no partial file, and the
 * directory holds frames 1..n that frames.tsv lists. */
#ifndef LOOPVIZ_EXPORT_H
#define LOOPVIZ_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim.h"

typedef enum exp_status {
  EXP_OK = 0,           /* everything asked for was written */
  EXP_USAGE = 1,        /* an option's value is wrong (err says which) */
  EXP_NO_PROGRAM = 2,   /* ffmpeg is needed and not on PATH */
  EXP_NOT_EMPTY = 3,    /* the frame directory holds other files and force is off */
  EXP_IO_ERROR = 4,     /* the scenario could not be read, or an output not written */
  EXP_RENDER_ERROR = 5, /* no font, or SDL could not render offscreen */
  EXP_VIDEO_ERROR = 6,  /* ffmpeg failed (err holds the end of what it said) */
  EXP_NO_MEMORY = 7,    /* an allocation failed */
  EXP_INTERRUPTED = 8,  /* SIGINT or SIGTERM arrived; complete frames are kept */
} exp_status;

/* The export options as a command line gives them: text, NULL when not given. */
typedef struct exp_args {
  const char *frames;  /* --frames DIR */
  const char *video;   /* --video OUT.mp4|.webm|.gif */
  const char *png;     /* --png OUT.png */
  const char *svg;     /* --svg OUT.svg */
  const char *fps;     /* --fps N */
  const char *size;    /* --size WxH */
  const char *theme;   /* --theme NAME */
  const char *step_ms; /* --step-ms N */
  const char *from;    /* --from STEP */
  const char *to;      /* --to STEP */
  const char *step;    /* --step N (the still's step) */
  const char *font;    /* --font PATH */
  bool diagram_only;   /* --diagram-only */
  bool force;          /* --force */
} exp_args;

/* What a progress callback is told, after each frame. */
typedef struct exp_progress {
  const char *phase; /* "frames", "palette" (a GIF's first pass) or "video" */
  size_t done;       /* frames done in this phase */
  size_t total;      /* frames the phase has */
  double elapsed;    /* seconds since the phase began */
} exp_progress;

typedef void (*exp_progress_fn)(void *user, const exp_progress *p);

typedef enum exp_video_kind {
  EXP_VIDEO_NONE = 0, /* no video */
  EXP_VIDEO_MP4 = 1,  /* H.264 in MP4 */
  EXP_VIDEO_WEBM = 2, /* VP9 in WebM */
  EXP_VIDEO_GIF = 3,  /* GIF with a palette made from the frames */
} exp_video_kind;

typedef struct exp_options {
  const char *frames;        /* frame directory, or NULL */
  const char *video;         /* video file, or NULL */
  exp_video_kind video_kind; /* from video's extension */
  const char *png;           /* still PNG, or NULL */
  const char *svg;           /* SVG of the whole diagram, or NULL */
  int fps;                   /* frames per second (1..240) */
  int width, height;         /* frame size in pixels */
  const char *theme;         /* theme name, or NULL for "light" */
  int step_ms;               /* how long each step is shown, ms */
  long from, to;             /* steps shown; -1: the first, the last */
  long step;                 /* the still's step; -1: the last */
  bool diagram_only;         /* no panels: the diagram fills the frame */
  bool force;                /* write into a frame directory holding other files */
  const char *font;          /* one font file for all text, or NULL for fontconfig's DejaVu */
  const char *ffmpeg;        /* the program to run for video, looked up on PATH: "ffmpeg" */
  exp_progress_fn progress;  /* called after every frame, or NULL */
  void *progress_user;       /* passed to progress */
  sim_limits limits;         /* the --max-* options: nonzero fields replace the window's limits */
} exp_options;

/* What an export did. */
typedef struct exp_result {
  size_t stops;   /* steps in the diagram (the last is stops - 1) */
  size_t frames;  /* frames rendered for the sequence or the video (one pass) */
  int run_status; /* the scenario's sim_status: 0 ran to the end, 1 stopped with an error */
  char error[1024]; /* when it stopped: "The program stopped with an error: LimitError: ...",
                       the line the pictures show; else empty */
} exp_result;

/* Defaults: 30 fps, 1920x1080, step 800 ms, all steps, the last step for the still. */
void exp_options_init(exp_options *o);

/* True when args ask for an image output (frames, video, png or svg). */
bool exp_wanted(const exp_args *args);

/* Checks and converts args into *o (after exp_options_init). EXP_USAGE with a one-line reason
 * in err for a malformed number or size, an unknown video extension, an odd size for a video
 * that needs even ones, or an option given without the output it tunes. */
exp_status exp_options_from_args(const exp_args *args, exp_options *o, char *err, size_t cap);

/* round(step_ms * fps / 1000), at least 1. */
size_t exp_frames_per_step(int step_ms, int fps);

/* The animation fraction of frame j (0-based) of a step shown for n frames at fps, whose
 * animation lasts stop_ms at the window's speed. */
float exp_frame_fraction(size_t j, size_t n, int fps, float stop_ms);

/* Writes the path of program found on path_list (a PATH value; NULL or empty: none) into out.
 * A name with a '/' is taken as it is. EXP_NO_PROGRAM when there is no executable file. */
exp_status exp_find_program(const char *program, const char *path_list, char *out, size_t cap);

/* One line of progress bar for a terminal width of cols columns, without a newline: the phase,
 * a bar, frames done of total, frames per second and the time left. */
void exp_progress_line(const exp_progress *p, int cols, char *buf, size_t cap);

/* A progress bar on a terminal: give exp_terminal_progress as the progress callback with a
 * exp_terminal as its user. It redraws one line (carriage return, at most ten times a second)
 * and ends it when a phase is done; exp_terminal_end ends a line left open (after an error). */
typedef struct exp_terminal {
  FILE *f;     /* the terminal */
  int cols;    /* its width in columns */
  double last; /* when the line was last drawn, seconds */
  bool open;   /* a line is drawn and not ended */
} exp_terminal;

void exp_terminal_progress(void *user, const exp_progress *p);
void exp_terminal_end(exp_terminal *t);

/* Runs the scenario at path and writes every output o names. err gets a one-line reason on
 * failure; res (may be NULL) says what was done, also on failure. */
exp_status exp_run(const exp_options *o, const char *path, exp_result *res, char *err, size_t cap);

#endif
