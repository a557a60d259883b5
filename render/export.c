/* export: frame sequences, videos, stills and SVG, headless. See export.h.
 *
 * The pipeline is the window's: sim -> trace -> layout -> scene_build -> sdlr, with sdlr drawing
 * into its own surface through SDL's software renderer, which needs no display and gives the
 * same bytes for the same list. One offscreen sdlr serves the whole export, so fonts and glyph
 * runs are opened once. Frames go to PNG files (SDL2_image), to ffmpeg's standard input as raw
 * pixels, or both from one rendering. */
#define _POSIX_C_SOURCE 200809L /* sigaction, fork, kill, waitpid, clock_gettime, fsync */

#include "export.h"

#include "fmt.h"
#include "layout.h"
#include "paths.h"
#include "pngw.h"
#include "scene.h"
#include "sdlr.h"
#include "sim.h"
#include "svg.h"
#include "theme.h"
#include "trace.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
  EXP_PATH_MAX = 4096,   /* bytes of a path we build */
  EXP_ASCENTS = 32,      /* (face, size) ascents remembered for the SVG */
  EXP_LOG_TAIL = 600,    /* bytes of ffmpeg's complaint quoted */
  EXP_ERROR_BYTES = 1024 /* the run's one-line error */
};

static const char frames_tsv[] = "frames.tsv";
static const char default_theme[] = "light";

/* The window's limits for a scenario shown on screen (app.c): runaway programs stop early and
 * say so rather than producing a million-step video. */
static const uint64_t exp_max_instructions = 1000000ull;
static const uint64_t exp_max_memory = 512ull << 20;

/* The one piece of static mutable state in loopviz's render library, and why it cannot be
 * avoided: a signal handler receives no pointer of ours (siginfo's si_value is set only by
 * sigqueue, never by a terminal's Ctrl-C or by kill), so the flag it raises must be reachable
 * without one. Only on_signal writes it; the export context reads it through a pointer once per
 * frame and clears it when an export begins. */
static volatile sig_atomic_t exp_signalled;

static void on_signal(int sig) {
  (void)sig;
  exp_signalled = 1;
}

/* ---- timing ------------------------------------------------------------------------------- */

size_t exp_frames_per_step(int step_ms, int fps) {
  long n = lround((double)step_ms * (double)fps / 1000.0);
  return n < 1 ? 1 : (size_t)n;
}

float exp_frame_fraction(size_t j, size_t n, int fps, float stop_ms) {
  double step = (double)n * 1000.0 / (double)fps;
  double anim = stop_ms < step ? stop_ms : step;
  double t = (double)(j + 1) * 1000.0 / (double)fps;
  if (j + 1 >= n || anim <= 0 || t >= anim)
    return 1.0f;
  return (float)(t / anim);
}

/* ---- finding ffmpeg ----------------------------------------------------------------------- */

static bool executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

exp_status exp_find_program(const char *program, const char *path_list, char *out, size_t cap) {
  if (strchr(program, '/') != NULL) {
    if (!executable(program) || (size_t)snprintf(out, cap, "%s", program) >= cap)
      return EXP_NO_PROGRAM;
    return EXP_OK;
  }
  if (path_list == NULL)
    return EXP_NO_PROGRAM;
  for (const char *p = path_list; *p != '\0';) {
    const char *colon = strchr(p, ':');
    size_t n = colon != NULL ? (size_t)(colon - p) : strlen(p);
    if (n > 0) { /* an empty entry would mean the current directory: not looked in */
      int k = snprintf(out, cap, "%.*s/%s", (int)n, p, program);
      if (k > 0 && (size_t)k < cap && executable(out))
        return EXP_OK;
    }
    if (colon == NULL)
      break;
    p = colon + 1;
  }
  if (cap > 0)
    out[0] = '\0';
  return EXP_NO_PROGRAM;
}

/* ---- the progress bar --------------------------------------------------------------------- */

static void clock_text(double seconds, char *buf, size_t cap) {
  long s = seconds > 0 && seconds < 1e7 ? lround(seconds) : 0;
  if (s >= 3600)
    snprintf(buf, cap, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    snprintf(buf, cap, "%ld:%02ld", s / 60, s % 60);
}

void exp_progress_line(const exp_progress *p, int cols, char *buf, size_t cap) {
  double rate = p->elapsed > 0 ? (double)p->done / p->elapsed : 0;
  char left[32] = "--:--", tail[96];
  if (rate > 0 && p->total >= p->done)
    clock_text((double)(p->total - p->done) / rate, left, sizeof left);
  snprintf(tail, sizeof tail, " %zu/%zu  %.1f fps  %s left", p->done, p->total, rate, left);
  int head = (int)strlen(p->phase) + 3; /* "phase [" and "]" */
  int bar = cols - head - (int)strlen(tail) - 1;
  if (bar > 40)
    bar = 40;
  if (bar < 5)
    bar = 0;
  char cells[48];
  int filled = p->total > 0 ? (int)((double)bar * (double)p->done / (double)p->total) : 0;
  for (int i = 0; i < bar; i++)
    cells[i] = i < filled ? '#' : '-';
  cells[bar] = '\0';
  if (bar > 0)
    snprintf(buf, cap, "%s [%s]%s", p->phase, cells, tail);
  else
    snprintf(buf, cap, "%s%s", p->phase, tail);
}

void exp_terminal_progress(void *user, const exp_progress *p) {
  exp_terminal *t = user;
  double now = p->elapsed;
  bool end = p->done >= p->total;
  if (!end && t->open && now - t->last < 0.1 && now >= t->last)
    return;
  t->last = now;
  char line[256];
  exp_progress_line(p, t->cols > 0 ? t->cols : 80, line, sizeof line);
  fprintf(t->f, "\r%s\x1b[K", line); /* erase what a longer line left */
  t->open = !end;
  if (end)
    fputc('\n', t->f);
  fflush(t->f);
}

void exp_terminal_end(exp_terminal *t) {
  if (t->open) {
    fputc('\n', t->f);
    fflush(t->f);
  }
  t->open = false;
}

/* ---- the context -------------------------------------------------------------------------- */

typedef struct ascent_slot {
  layout_face face; /* font */
  int size;         /* pixel size */
  float ascent;     /* TTF_FontAscent */
} ascent_slot;

typedef struct exp_ctx {
  const exp_options *o;               /* what to write */
  char *err;                          /* where a failure is explained */
  size_t cap;                         /* its bytes */
  char font_store[FACE__COUNT][4096]; /* font files */
  sdlr_fonts fonts;                   /* pointers into font_store */
  theme theme;                        /* colours, sizes, durations */
  trace *trace;                       /* the run */
  layout_diagram *diagram;            /* the run as a sequence diagram */
  fmt_buf out;                        /* what the program printed */
  fmt_buf errtext;                    /* tracebacks and warnings, for the console */
  char error[EXP_ERROR_BYTES];        /* the run's one-line error, or empty */
  int run_status;                     /* sim_status of the run */
  sdlr *r;                            /* offscreen renderer; measures text too */
  scene_list list;                    /* the frame in hand */
  scene_list prev;                    /* the frame before it, while playing */
  bool ttf;                           /* TTF_Init was called here (ascents) */
  ascent_slot ascents[EXP_ASCENTS];   /* ascents asked so far */
  size_t nascents;                    /* entries */
  volatile sig_atomic_t *signalled;   /* set by SIGINT or SIGTERM: stop after this frame */
  struct sigaction old_int;           /* SIGINT's action before the export */
  struct sigaction old_term;          /* SIGTERM's */
  struct sigaction old_pipe;          /* SIGPIPE's (ignored while ffmpeg is fed) */
  bool handlers;                      /* the three above are to be restored */
} exp_ctx;

static exp_status fail(exp_ctx *c, exp_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static exp_status fail(exp_ctx *c, exp_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, c->cap, fmt, ap);
  va_end(ap);
  return st;
}

static bool stop_asked(const exp_ctx *c) { return *c->signalled != 0; }

static void install_handlers(exp_ctx *c) {
  exp_signalled = 0;
  c->signalled = &exp_signalled;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART; /* PNG and pipe writes go on; the flag is read between frames */
  sigaction(SIGINT, &sa, &c->old_int);
  sigaction(SIGTERM, &sa, &c->old_term);
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN; /* a dead ffmpeg shows as EPIPE, not as our death */
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, &c->old_pipe);
  c->handlers = true;
}

static void restore_handlers(exp_ctx *c) {
  if (!c->handlers)
    return;
  sigaction(SIGINT, &c->old_int, NULL);
  sigaction(SIGTERM, &c->old_term, NULL);
  sigaction(SIGPIPE, &c->old_pipe, NULL);
  c->handlers = false;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- running the scenario (as app.c's load does; render-requests.md, 4) ------------------- */

static void capture_out(void *user, const char *text, size_t len) {
  exp_ctx *c = user;
  fmt_buf_append(&c->out, text, len);
}

static void capture_err(void *user, const char *text, size_t len) {
  exp_ctx *c = user;
  fmt_buf_append(&c->errtext, text, len);
}

/* The last non-blank line of s: "ValueError: boom". */
static void last_line(const char *s, char *out, size_t cap) {
  const char *end = s + strlen(s);
  while (end > s && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
    end--;
  const char *start = end;
  while (start > s && start[-1] != '\n')
    start--;
  while (start < end && *start == ' ')
    start++;
  snprintf(out, cap, "%.*s", (int)(end - start), start);
}

static exp_status load_theme(exp_ctx *c) {
  char data[PATHS_MAX], msg[512];
  if (paths_data_dir(data, sizeof data) != PATHS_OK) {
    if (c->o->theme != NULL)
      return fail(c, EXP_USAGE, "theme %s: no data directory (assets/themes) was found",
                  c->o->theme);
    theme_defaults(&c->theme);
    return EXP_OK;
  }
  const char *name = c->o->theme != NULL ? c->o->theme : default_theme;
  theme_status st = theme_load(&c->theme, data, name, msg, sizeof msg);
  if (st == THEME_OK)
    return EXP_OK;
  if (c->o->theme == NULL) { /* the default theme file is gone: the built-in one is the same */
    theme_defaults(&c->theme);
    return EXP_OK;
  }
  if (st == THEME_IO_ERROR || st == THEME_BAD_NAME)
    return fail(c, EXP_USAGE,
                "unknown theme '%.40s' (the themes are the files in %.3000s/assets/themes)",
                c->o->theme, data);
  return fail(c, EXP_USAGE, "theme %.40s: %s", c->o->theme, msg);
}

static exp_status run_scenario(exp_ctx *c, const char *path) {
  c->trace = trace_new(true);
  if (c->trace == NULL)
    return fail(c, EXP_NO_MEMORY, "out of memory");
  sim_options so;
  sim_options_init(&so);
  so.out = capture_out;
  so.err = capture_err;
  so.user = c;
  so.trace = c->trace;
  so.limits.max_instructions = exp_max_instructions;
  so.limits.max_memory = exp_max_memory;
  sim_limits_override(&so.limits, &c->o->limits);
  errno = 0;
  sim_status st = sim_run_file(&so, path);
  int saved = errno;
  char line[EXP_ERROR_BYTES / 2];
  last_line(fmt_buf_str(&c->errtext), line, sizeof line);
  if (st == SIM_IO_ERROR)
    return fail(c, EXP_IO_ERROR, "cannot read %.3000s: %s", path,
                line[0] != '\0' ? line
                : saved != 0    ? strerror(saved)
                                : "read error");
  c->run_status = (int)st;
  if (st == SIM_ERROR)
    snprintf(c->error, sizeof c->error, "The program stopped with an error: %s",
             line[0] != '\0' ? line : "see the console");
  layout_options lo = {&c->theme, sdlr_measure, c->r, GRAIN_LOOP};
  if (layout_build(c->trace, &lo, &c->diagram) != LAYOUT_OK)
    return fail(c, EXP_NO_MEMORY, "out of memory");
  return EXP_OK;
}

static exp_status open_ctx(exp_ctx *c, const char *path) {
  fmt_buf_init(&c->out);
  fmt_buf_init(&c->errtext);
  scene_list_init(&c->list);
  scene_list_init(&c->prev);
  exp_status st = load_theme(c);
  if (st != EXP_OK)
    return st;
  char msg[512];
  if (sdlr_find_fonts(c->o->font, c->font_store, &c->fonts, msg, sizeof msg) != SDLR_OK)
    return fail(c, EXP_RENDER_ERROR, "%s", msg);
  sdlr_status rs = sdlr_new_offscreen(c->o->width, c->o->height, &c->fonts, &c->r, msg, sizeof msg);
  if (rs != SDLR_OK)
    return fail(c, rs == SDLR_NO_MEMORY ? EXP_NO_MEMORY : EXP_RENDER_ERROR, "%s", msg);
  return run_scenario(c, path);
}

static void close_ctx(exp_ctx *c) {
  if (c->ttf)
    TTF_Quit();
  sdlr_free(c->r);
  layout_free(c->diagram);
  trace_free(c->trace);
  scene_list_free(&c->list);
  scene_list_free(&c->prev);
  fmt_buf_free(&c->out);
  fmt_buf_free(&c->errtext);
}

/* ---- drawing a frame ---------------------------------------------------------------------- */

static void make_view(const exp_ctx *c, int w, int h, bool diagram_only, scene_view *v) {
  memset(v, 0, sizeof *v);
  v->w = w;
  v->h = h;
  v->scale = scene_fit_scale(&c->theme, w, h); /* the window's scale at density 1 */
  v->follow = true;
  v->diagram_only = diagram_only;
  v->playing = true;
  v->speed = 1.0f;
  v->no_keys = true; /* no key works in a video */
  v->error = c->error[0] != '\0' ? c->error : NULL;
  v->err_text = fmt_buf_str(&c->errtext);
}

static exp_status build(exp_ctx *c, const scene_view *v, size_t stop, float fraction) {
  scene_input in = {c->diagram, stop, fraction, v, &c->theme, sdlr_measure, c->r};
  if (!scene_build(&in, &c->list))
    return fail(c, EXP_NO_MEMORY, "out of memory while drawing step %zu", stop);
  return EXP_OK;
}

static exp_status render(exp_ctx *c, const scene_view *v, size_t stop, float fraction,
                         SDL_Surface **out) {
  exp_status st = build(c, v, stop, fraction);
  if (st != EXP_OK)
    return st;
  *out = sdlr_render_offscreen(c->r, &c->list);
  if (*out == NULL)
    return fail(c, EXP_RENDER_ERROR, "the offscreen renderer is missing");
  return EXP_OK;
}

/* ---- files -------------------------------------------------------------------------------- */

/* PATH.tmpPID: the temporary name of every file export writes (sdlr_save_png uses the same). */
static bool temp_name(const char *path, char *out, size_t cap) {
  int n = snprintf(out, cap, "%s.tmp%ld", path, (long)getpid());
  return n > 0 && (size_t)n < cap;
}

/* Writes len bytes to a temporary file beside path, then renames it over path. Returns 0 or an
 * errno value; the temporary file never survives. */
static int write_atomic(const char *path, const char *data, size_t len) {
  char tmp[EXP_PATH_MAX + 32];
  if (!temp_name(path, tmp, sizeof tmp))
    return ENAMETOOLONG;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (fd < 0)
    return errno;
  int e = 0;
  for (size_t done = 0; done < len;) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      e = errno;
      break;
    }
    done += (size_t)n;
  }
  if (e == 0 && fsync(fd) != 0)
    e = errno;
  if (close(fd) != 0 && e == 0)
    e = errno;
  if (e == 0 && rename(tmp, path) != 0)
    e = errno;
  if (e != 0)
    unlink(tmp);
  return e;
}

/* frame_00042.png -> 42; frame_00042.png.tmp123 -> 42 with *temp. 0 when not a frame's name. */
static unsigned long frame_number(const char *name, bool *temp) {
  static const char prefix[] = "frame_", suffix[] = ".png", tmp[] = ".tmp";
  *temp = false;
  if (strncmp(name, prefix, sizeof prefix - 1) != 0)
    return 0;
  const char *p = name + sizeof prefix - 1, *digits = p;
  unsigned long n = 0;
  while (*p >= '0' && *p <= '9' && p - digits < 9)
    n = n * 10 + (unsigned long)(*p++ - '0');
  if (p == digits || strncmp(p, suffix, sizeof suffix - 1) != 0)
    return 0;
  p += sizeof suffix - 1;
  if (*p == '\0')
    return n;
  if (strncmp(p, tmp, sizeof tmp - 1) != 0)
    return 0;
  p += sizeof tmp - 1;
  if (*p == '\0')
    return 0;
  for (; *p != '\0'; p++)
    if (*p < '0' || *p > '9')
      return 0;
  *temp = true;
  return n;
}

/* frames.tsv or its temporary. */
static bool tsv_name(const char *name, bool *temp) {
  size_t n = sizeof frames_tsv - 1;
  *temp = false;
  if (strncmp(name, frames_tsv, n) != 0)
    return false;
  if (name[n] == '\0')
    return true;
  if (strncmp(name + n, ".tmp", 4) != 0 || name[n + 4] == '\0')
    return false;
  for (const char *p = name + n + 4; *p != '\0'; p++)
    if (*p < '0' || *p > '9')
      return false;
  *temp = true;
  return true;
}

static bool join(char *out, size_t cap, const char *dir, const char *name) {
  int n = snprintf(out, cap, "%s/%s", dir, name);
  return n > 0 && (size_t)n < cap;
}

/* Makes the frame directory (*made) or checks that it holds nothing but an earlier export's
 * frames; removes temporaries a killed export left. */
static exp_status prepare_dir(exp_ctx *c, const char *dir, bool *made) {
  struct stat st;
  *made = false;
  if (stat(dir, &st) != 0) {
    if (errno != ENOENT)
      return fail(c, EXP_IO_ERROR, "cannot use %s: %s", dir, strerror(errno));
    if (mkdir(dir, 0777) != 0)
      return fail(c, EXP_IO_ERROR, "cannot make the frame directory %s: %s", dir, strerror(errno));
    *made = true;
    return EXP_OK;
  }
  if (!S_ISDIR(st.st_mode))
    return fail(c, EXP_IO_ERROR, "%s is not a directory", dir);
  DIR *d = opendir(dir);
  if (d == NULL)
    return fail(c, EXP_IO_ERROR, "cannot read the directory %s: %s", dir, strerror(errno));
  char other[256] = "";
  size_t others = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    const char *name = e->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    bool temp = false;
    char path[EXP_PATH_MAX];
    bool ours = frame_number(name, &temp) > 0 || tsv_name(name, &temp);
    if (ours && join(path, sizeof path, dir, name) && lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
      ours = false; /* a directory or link named like a frame is not a frame */
    if (!ours) {
      if (others++ == 0)
        snprintf(other, sizeof other, "%.200s", name);
      continue;
    }
    if (temp)
      unlink(path); /* half a file from an export that was killed */
  }
  closedir(d);
  if (others > 0 && !c->o->force)
    return fail(c, EXP_NOT_EMPTY,
                "%s holds %zu file%s besides frames of an earlier export (%s%s); nothing was "
                "written: choose an empty directory, or add --force to write the frames beside "
                "them",
                dir, others, others == 1 ? "" : "s", other, others > 1 ? ", ..." : "");
  return EXP_OK;
}

/* Removes frames numbered above kept (an earlier, longer export's) and any temporaries. */
static void prune_dir(const char *dir, size_t kept) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    bool temp = false;
    unsigned long n = frame_number(e->d_name, &temp);
    if (n == 0 && !(tsv_name(e->d_name, &temp) && temp))
      continue;
    if (!temp && n <= kept)
      continue;
    char path[EXP_PATH_MAX];
    struct stat st;
    if (join(path, sizeof path, dir, e->d_name) && lstat(path, &st) == 0 && S_ISREG(st.st_mode))
      unlink(path);
  }
  closedir(d);
}

/* ---- ffmpeg ------------------------------------------------------------------------------- */

typedef struct video_pipe {
  pid_t pid;                   /* ffmpeg, or -1 */
  int fd;                      /* its standard input, or -1 */
  FILE *log;                   /* its standard error and output (an unlinked file) */
  char out[EXP_PATH_MAX + 32]; /* what it writes: a temporary name */
} video_pipe;

enum { ARGV_MAX = 48 }; /* arguments of one ffmpeg command */

/* The raw pixel format ffmpeg is told, for an SDL format; NULL when it has no name there. */
static const char *raw_format(Uint32 f) {
  if (f == SDL_PIXELFORMAT_BGRA32)
    return "bgra";
  if (f == SDL_PIXELFORMAT_RGBA32)
    return "rgba";
  if (f == SDL_PIXELFORMAT_ARGB32)
    return "argb";
  if (f == SDL_PIXELFORMAT_ABGR32)
    return "abgr";
  return NULL;
}

/* The end of what ffmpeg said: its last non-blank line. */
static void log_tail(FILE *log, char *out, size_t cap) {
  out[0] = '\0';
  if (log == NULL || fflush(log) != 0 || fseek(log, 0, SEEK_END) != 0)
    return;
  long size = ftell(log);
  long from = size > EXP_LOG_TAIL ? size - EXP_LOG_TAIL : 0;
  char buf[EXP_LOG_TAIL + 1];
  if (size <= 0 || fseek(log, from, SEEK_SET) != 0)
    return;
  size_t n = fread(buf, 1, (size_t)(size - from), log);
  buf[n] = '\0';
  last_line(buf, out, cap);
}

/* Starts ffmpeg: argv[0] is its path; its standard input becomes v->fd. It runs in its own
 * process group, so a Ctrl-C at the terminal reaches only us, and we decide what it finishes. */
static exp_status spawn(exp_ctx *c, char *const argv[], video_pipe *v) {
  v->pid = -1;
  v->fd = -1;
  v->log = tmpfile();
  if (v->log == NULL)
    return fail(c, EXP_IO_ERROR, "cannot make a temporary file for ffmpeg's messages: %s",
                strerror(errno));
  int p[2];
  if (pipe(p) != 0)
    return fail(c, EXP_IO_ERROR, "cannot make a pipe to ffmpeg: %s", strerror(errno));
  fcntl(p[1], F_SETFD, FD_CLOEXEC);
  fcntl(p[0], F_SETFD, FD_CLOEXEC);
  int logfd = fileno(v->log);
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(p[0]);
    close(p[1]);
    return fail(c, EXP_VIDEO_ERROR, "cannot start ffmpeg: %s", strerror(e));
  }
  if (pid == 0) { /* the child: only async-signal-safe calls until exec */
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL); /* an ignored signal would stay ignored across exec */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (dup2(p[0], 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
      _exit(127);
    execv(argv[0], argv);
    _exit(127);
  }
  close(p[0]);
  v->pid = pid;
  v->fd = p[1];
  return EXP_OK;
}

/* Stops feeding ffmpeg and waits for it. With keep, a clean exit renames its output to final;
 * otherwise (or when it failed) the output is removed. */
static exp_status finish(exp_ctx *c, video_pipe *v, bool keep, const char *final) {
  exp_status st = EXP_OK;
  if (v->fd >= 0)
    close(v->fd);
  v->fd = -1;
  if (v->pid > 0) {
    if (!keep)
      kill(v->pid, SIGKILL);
    int status = 0;
    while (waitpid(v->pid, &status, 0) < 0 && errno == EINTR)
      continue;
    v->pid = -1;
    if (keep && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      char tail[EXP_LOG_TAIL];
      log_tail(v->log, tail, sizeof tail);
      if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && tail[0] == '\0')
        st = fail(c, EXP_VIDEO_ERROR, "ffmpeg could not be run");
      else if (WIFEXITED(status))
        st = fail(c, EXP_VIDEO_ERROR, "ffmpeg failed (exit status %d): %s", WEXITSTATUS(status),
                  tail[0] != '\0' ? tail : "it said nothing");
      else
        st = fail(c, EXP_VIDEO_ERROR, "ffmpeg was killed by signal %d", WTERMSIG(status));
      keep = false;
    }
  }
  if (v->log != NULL)
    fclose(v->log);
  v->log = NULL;
  if (v->out[0] != '\0') {
    if (keep && final != NULL && rename(v->out, final) != 0)
      st = fail(c, EXP_IO_ERROR, "cannot write %s: %s", final, strerror(errno));
    if (!keep || final == NULL || st != EXP_OK)
      unlink(v->out);
  }
  return st;
}

/* Writes one frame's pixels, row by row. */
static exp_status feed(exp_ctx *c, video_pipe *v, SDL_Surface *s) {
  if (SDL_LockSurface(s) != 0)
    return fail(c, EXP_RENDER_ERROR, "cannot read the frame: %s", SDL_GetError());
  exp_status st = EXP_OK;
  size_t row = (size_t)s->w * 4;
  for (int y = 0; y < s->h && st == EXP_OK; y++) {
    const char *p = (const char *)s->pixels + (size_t)y * (size_t)s->pitch;
    for (size_t done = 0; done < row;) {
      ssize_t n = write(v->fd, p + done, row - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0) {
        char tail[EXP_LOG_TAIL];
        int e = errno;
        /* ffmpeg quit early: wait for it so its message is complete */
        if (v->pid > 0) {
          int status = 0;
          while (waitpid(v->pid, &status, 0) < 0 && errno == EINTR)
            continue;
          v->pid = -1;
        }
        log_tail(v->log, tail, sizeof tail);
        st = fail(c, EXP_VIDEO_ERROR, "ffmpeg stopped reading frames (%s): %s", strerror(e),
                  tail[0] != '\0' ? tail : "it said nothing");
        break;
      }
      done += (size_t)n;
    }
  }
  SDL_UnlockSurface(s);
  return st;
}

/* The ffmpeg command for a pass: pass 1 of a GIF makes the palette (into palette), the last pass
 * the video (into v->out). */
static exp_status start_video(exp_ctx *c, const char *program, int pass, const char *palette,
                              Uint32 format, video_pipe *v) {
  const exp_options *o = c->o;
  const char *pix = raw_format(format);
  if (pix == NULL)
    return fail(c, EXP_RENDER_ERROR, "frames are in a pixel format ffmpeg is not told about (%s)",
                SDL_GetPixelFormatName(format));
  char size[32], rate[16];
  snprintf(size, sizeof size, "%dx%d", o->width, o->height);
  snprintf(rate, sizeof rate, "%d", o->fps);
  const char *a[ARGV_MAX];
  int n = 0;
  const char *head[] = {program,      "-hide_banner", "-loglevel", "error", "-nostats",    "-y",
                        "-f",         "rawvideo",     "-pix_fmt",  pix,     "-video_size", size,
                        "-framerate", rate,           "-i",        "pipe:0"};
  for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
    a[n++] = head[i];
  v->out[0] = '\0';
  if (!temp_name(pass == 1 ? palette : o->video, v->out, sizeof v->out))
    return fail(c, EXP_IO_ERROR, "path too long: %s", o->video);
  if (o->video_kind == EXP_VIDEO_GIF && pass == 1) {
    const char *tail[] = {"-vf",       "palettegen=stats_mode=full",
                          "-frames:v", "1",
                          "-update",   "1",
                          "-c:v",      "png",
                          "-f",        "image2"};
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
      a[n++] = tail[i];
  } else if (o->video_kind == EXP_VIDEO_GIF) {
    const char *tail[] = {"-i",    palette, "-lavfi", "[0:v][1:v]paletteuse=dither=none",
                          "-loop", "0",     "-f",     "gif"};
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
      a[n++] = tail[i];
  } else if (o->video_kind == EXP_VIDEO_MP4) {
    const char *tail[] = {"-c:v",      "libx264",    "-preset", "veryfast", "-tune",
                          "animation", "-crf",       "18",      "-pix_fmt", "yuv420p",
                          "-movflags", "+faststart", "-f",      "mp4"};
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
      a[n++] = tail[i];
  } else {
    const char *tail[] = {"-c:v",      "libvpx-vp9", "-crf",      "32",  "-b:v",    "0",
                          "-deadline", "good",       "-cpu-used", "4",   "-row-mt", "1",
                          "-pix_fmt",  "yuv420p",    "-f",        "webm"};
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
      a[n++] = tail[i];
  }
  a[n++] = v->out;
  a[n] = NULL;
  char *argv[ARGV_MAX];
  for (int i = 0; i <= n; i++)
    argv[i] = (char *)(uintptr_t)a[i]; /* execv's prototype is older than const */
  return spawn(c, argv, v);
}

/* ---- writing PNG frames, on every core -------------------------------------------------- */

/* Encoding a PNG costs ten to twenty times what drawing the frame does (zlib over 8 MB at
 * 1920x1080), so frames are encoded by a pool of threads, one per core, while the main thread
 * draws the next ones. Each job owns a copy of its frame's pixels. The bytes of a PNG do not
 * depend on which thread wrote it. */

enum {
  ENC_THREADS_MAX = 8,     /* encoder threads at most: each queued frame holds its pixels */
  ENC_SLOTS_PER_THREAD = 2 /* frames queued per thread, so the main thread can run ahead */
};

typedef enum job_state {
  JOB_FREE = 0,    /* the slot holds no frame */
  JOB_FILLING = 1, /* the main thread copies a frame in */
  JOB_QUEUED = 2,  /* waiting for a thread */
  JOB_WRITING = 3  /* a thread encodes it */
} job_state;

typedef struct png_job {
  SDL_Surface *s;  /* the frame's pixels, reused from frame to frame */
  size_t frame;    /* the frame's number */
  size_t source;   /* an earlier frame with the same picture, whose file it copies; 0: encode s */
  job_state state; /* where it is */
} png_job;

typedef struct encoder {
  const char *dir;                                      /* the frame directory */
  SDL_mutex *lock;                                      /* guards everything below */
  SDL_cond *changed;                                    /* a job changed state, or quit */
  SDL_Thread *threads[ENC_THREADS_MAX];                 /* the pool */
  int nthreads;                                         /* 0: the main thread encodes */
  png_job jobs[ENC_THREADS_MAX * ENC_SLOTS_PER_THREAD]; /* frames in flight */
  size_t njobs;                                         /* slots in use of jobs */
  bool quit;                                            /* threads leave when idle */
  size_t failed;                                        /* least frame not written, or 0 */
  char why[512];                                        /* why it was not */
} encoder;

static void frame_path(const char *dir, size_t frame, char *out, size_t cap) {
  snprintf(out, cap, "%s/frame_%05zu.png", dir, frame);
}

/* Writes the frame to PATH.tmpPID, then renames it: a frame file is whole or absent. */
static bool save_frame(const char *dir, size_t frame, SDL_Surface *s, char *why, size_t cap) {
  char path[EXP_PATH_MAX], tmp[EXP_PATH_MAX + 32];
  frame_path(dir, frame, path, sizeof path);
  if (!temp_name(path, tmp, sizeof tmp)) {
    snprintf(why, cap, "%.400s: path too long", path);
    return false;
  }
  char msg[256];
  if (pngw_save(s, tmp, msg, sizeof msg) != PNGW_OK) {
    snprintf(why, cap, "cannot write %.300s: %.90s", path, msg);
    return false;
  }
  if (rename(tmp, path) != 0) {
    snprintf(why, cap, "cannot write %.400s: %s", path, strerror(errno));
    unlink(tmp);
    return false;
  }
  return true;
}

/* Writes frame as a copy of the file of an earlier frame that shows the same picture (a step
 * shown after its animation ended): no encoding. Also through PATH.tmpPID. */
static bool copy_frame(const char *dir, size_t source, size_t frame, char *why, size_t cap) {
  char from[EXP_PATH_MAX], path[EXP_PATH_MAX], tmp[EXP_PATH_MAX + 32];
  frame_path(dir, source, from, sizeof from);
  frame_path(dir, frame, path, sizeof path);
  if (!temp_name(path, tmp, sizeof tmp)) {
    snprintf(why, cap, "%.400s: path too long", path);
    return false;
  }
  FILE *in = fopen(from, "rb");
  if (in == NULL) {
    snprintf(why, cap, "cannot read %.400s: %s", from, strerror(errno));
    return false;
  }
  FILE *out = fopen(tmp, "wb");
  if (out == NULL) {
    snprintf(why, cap, "cannot write %.400s: %s", path, strerror(errno));
    fclose(in);
    return false;
  }
  char buf[1 << 16];
  size_t n;
  bool ok = true;
  while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
    ok = fwrite(buf, 1, n, out) == n;
  ok = ok && !ferror(in);
  int e = errno;
  fclose(in);
  if (fclose(out) != 0 && ok) {
    e = errno;
    ok = false;
  }
  if (ok && rename(tmp, path) != 0) {
    e = errno;
    ok = false;
  }
  if (!ok) {
    snprintf(why, cap, "cannot write %.400s: %s", path, strerror(e));
    unlink(tmp);
  }
  return ok;
}

static void job_failed(encoder *e, size_t frame, const char *why) {
  if (e->failed == 0 || frame < e->failed) {
    e->failed = frame;
    snprintf(e->why, sizeof e->why, "%s", why);
  }
}

/* A copy whose source frame is still in a slot (queued or being written) waits for it: frames
 * leave the slots only once their file is complete (or failed). Called with the lock held. */
static bool source_pending(const encoder *e, const png_job *j) {
  if (j->source == 0)
    return false;
  for (size_t i = 0; i < e->njobs; i++)
    if (e->jobs[i].state != JOB_FREE && e->jobs[i].frame == j->source && &e->jobs[i] != j)
      return true;
  return false;
}

static int encode_thread(void *user) {
  encoder *e = user;
  SDL_LockMutex(e->lock);
  for (;;) {
    png_job *next = NULL;
    for (size_t i = 0; i < e->njobs; i++)
      if (e->jobs[i].state == JOB_QUEUED && (next == NULL || e->jobs[i].frame < next->frame) &&
          !source_pending(e, &e->jobs[i]))
        next = &e->jobs[i];
    if (next == NULL) {
      if (e->quit)
        break;
      SDL_CondWait(e->changed, e->lock);
      continue;
    }
    next->state = JOB_WRITING;
    SDL_UnlockMutex(e->lock);
    char why[512];
    bool ok = next->source != 0 ? copy_frame(e->dir, next->source, next->frame, why, sizeof why)
                                : save_frame(e->dir, next->frame, next->s, why, sizeof why);
    SDL_LockMutex(e->lock);
    if (!ok)
      job_failed(e, next->frame, why);
    next->state = JOB_FREE;
    SDL_CondBroadcast(e->changed);
  }
  SDL_UnlockMutex(e->lock);
  return 0;
}

static void encoder_start(encoder *e, const char *dir) {
  memset(e, 0, sizeof *e);
  e->dir = dir;
  int cores = SDL_GetCPUCount();
  int want = cores > ENC_THREADS_MAX ? ENC_THREADS_MAX : cores;
  if (want < 2)
    return;               /* one core: the main thread encodes between frames */
  e->lock = SDL_CreateMutex();
  e->changed = SDL_CreateCond();
  if (e->lock == NULL || e->changed == NULL)
    return;
  /* the slots are set before any thread reads them (a thread that cannot start leaves more
   * slots to the others) */
  e->njobs = (size_t)want * ENC_SLOTS_PER_THREAD;
  for (int i = 0; i < want; i++) {
    SDL_Thread *t = SDL_CreateThread(encode_thread, "png", e);
    if (t == NULL)
      break;
    e->threads[e->nthreads++] = t;
  }
}

/* Queues a copy of frame s (or writes it at once without threads); with source > 0, frame shows
 * the same picture as that earlier frame and its file is copied instead. False when a frame
 * failed: e->why says why. */
static bool encoder_put(encoder *e, size_t frame, SDL_Surface *s, size_t source) {
  if (e->nthreads == 0) {
    char why[512];
    bool ok = source != 0 ? copy_frame(e->dir, source, frame, why, sizeof why)
                          : save_frame(e->dir, frame, s, why, sizeof why);
    if (!ok)
      job_failed(e, frame, why);
    return e->failed == 0;
  }
  SDL_LockMutex(e->lock);
  png_job *slot = NULL;
  while (e->failed == 0) {
    for (size_t i = 0; i < e->njobs && slot == NULL; i++)
      if (e->jobs[i].state == JOB_FREE)
        slot = &e->jobs[i];
    if (slot != NULL)
      break;
    SDL_CondWait(e->changed, e->lock);
  }
  if (slot == NULL) {
    SDL_UnlockMutex(e->lock);
    return false;
  }
  slot->state = JOB_FILLING;
  slot->frame = frame; /* seen by source_pending from here on */
  slot->source = source;
  SDL_UnlockMutex(e->lock);
  bool ok = true;
  if (source == 0) { /* a copy job needs no pixels: its file is copied */
    if (slot->s == NULL || slot->s->w != s->w || slot->s->h != s->h) {
      SDL_FreeSurface(slot->s);
      slot->s = SDL_CreateRGBSurfaceWithFormat(0, s->w, s->h, 32, s->format->format);
    }
    if (slot->s == NULL || SDL_LockSurface(s) != 0) {
      ok = false;
    } else {
      size_t row = (size_t)s->w * 4;
      for (int y = 0; y < s->h; y++)
        memcpy((char *)slot->s->pixels + (size_t)y * (size_t)slot->s->pitch,
               (const char *)s->pixels + (size_t)y * (size_t)s->pitch, row);
      SDL_UnlockSurface(s);
    }
  }
  SDL_LockMutex(e->lock);
  if (!ok) {
    job_failed(e, frame, "out of memory for a frame's copy");
    slot->state = JOB_FREE;
  } else {
    slot->frame = frame;
    slot->state = JOB_QUEUED;
    SDL_CondBroadcast(e->changed);
  }
  bool fine = e->failed == 0;
  SDL_UnlockMutex(e->lock);
  return fine;
}

/* Waits for every queued frame, stops the threads and frees the copies. Returns the number of
 * frames known whole on disk, counting from 1: all put when none failed, else those before the
 * first failure. */
static size_t encoder_stop(encoder *e, size_t put) {
  if (e->lock != NULL) {
    SDL_LockMutex(e->lock);
    e->quit = true;
    SDL_CondBroadcast(e->changed);
    SDL_UnlockMutex(e->lock);
  }
  for (int i = 0; i < e->nthreads; i++)
    SDL_WaitThread(e->threads[i], NULL);
  for (size_t i = 0; i < sizeof e->jobs / sizeof e->jobs[0]; i++)
    SDL_FreeSurface(e->jobs[i].s);
  if (e->changed != NULL)
    SDL_DestroyCond(e->changed);
  if (e->lock != NULL)
    SDL_DestroyMutex(e->lock);
  e->nthreads = 0;
  e->lock = NULL;
  e->changed = NULL;
  return e->failed != 0 ? e->failed - 1 : put;
}

/* ---- the frame loop ----------------------------------------------------------------------- */

typedef struct plan {
  size_t first;    /* first step shown */
  size_t last;     /* last step shown */
  size_t per_step; /* frames per step */
  size_t frames;   /* frames in all */
} plan;

/* The step and animation fraction of frame i (0-based) of the plan. */
static void frame_at(const exp_ctx *c, const plan *p, size_t i, size_t *stop, float *fraction) {
  size_t k = p->first + i / p->per_step, j = i % p->per_step;
  *stop = k;
  *fraction = k == p->first ? 1.0f
                            : exp_frame_fraction(j, p->per_step, c->o->fps,
                                                 scene_stop_ms(c->diagram, &c->theme, k));
}

/* Where frames go during one pass over the plan. */
typedef struct sinks {
  encoder *png;      /* PNG files, or NULL */
  video_pipe *pipe;  /* ffmpeg, or NULL */
  const char *phase; /* what the progress bar says */
} sinks;

/* Draws the plan's frames into the sinks. *done counts the frames handed to them. */
static exp_status play(exp_ctx *c, const plan *p, sinks *s, size_t *done) {
  const exp_options *o = c->o;
  scene_view v;
  make_view(c, o->width, o->height, o->diagram_only, &v);
  double start = now_s();
  *done = 0;
  SDL_Surface *surf = NULL; /* the last frame drawn, in the sdlr's surface */
  size_t source = 0;        /* the frame it was drawn for */
  for (size_t i = 0; i < p->frames; i++) {
    if (stop_asked(c))
      return fail(c, EXP_INTERRUPTED, "interrupted after %zu of %zu frames", i, p->frames);
    size_t k = 0;
    float f = 1.0f;
    frame_at(c, p, i, &k, &f);
    /* A frame whose display list is the previous frame's is the same picture (the software
     * renderer is deterministic): it is not drawn again, and its PNG file is a copy. */
    exp_status st = build(c, &v, k, f);
    bool same = st == EXP_OK && i > 0 && surf != NULL && scene_list_equal(&c->list, &c->prev);
    if (st == EXP_OK && !same) {
      source = i + 1;
      surf = sdlr_render_offscreen(c->r, &c->list);
      if (surf == NULL)
        st = fail(c, EXP_RENDER_ERROR, "the offscreen renderer is missing");
    }
    scene_list swap = c->prev;
    c->prev = c->list;
    c->list = swap;
    if (st == EXP_OK && s->pipe != NULL)
      st = feed(c, s->pipe, surf);
    if (st == EXP_OK && s->png != NULL &&
        !encoder_put(s->png, i + 1, surf, same ? source : 0))
      st = fail(c, EXP_IO_ERROR, "%s", s->png->why);
    if (st != EXP_OK)
      return st;
    *done = i + 1;
    if (o->progress != NULL) {
      exp_progress pr = {s->phase, i + 1, p->frames, now_s() - start};
      o->progress(o->progress_user, &pr);
    }
  }
  if (stop_asked(c))
    return fail(c, EXP_INTERRUPTED, "interrupted after %zu of %zu frames", p->frames, p->frames);
  return EXP_OK;
}

static exp_status make_plan(exp_ctx *c, plan *p) {
  const exp_options *o = c->o;
  size_t last = c->diagram->nstops - 1;
  if ((o->from >= 0 && (size_t)o->from > last) || (o->to >= 0 && (size_t)o->to > last))
    return fail(c, EXP_USAGE, "--%s %ld is beyond the last step, %zu",
                o->from >= 0 && (size_t)o->from > last ? "from" : "to",
                o->from >= 0 && (size_t)o->from > last ? o->from : o->to, last);
  p->first = o->from >= 0 ? (size_t)o->from : 0;
  p->last = o->to >= 0 ? (size_t)o->to : last;
  p->per_step = exp_frames_per_step(o->step_ms, o->fps);
  p->frames = (p->last - p->first + 1) * p->per_step;
  return EXP_OK;
}

/* DIR/frames.tsv for frames 1..n of the plan: frame, step, animation fraction, the virtual clock
 * at the step, and the frame's time in the video. */
static exp_status write_tsv(exp_ctx *c, const plan *p, size_t n) {
  const char *dir = c->o->frames;
  char path[EXP_PATH_MAX];
  if (!join(path, sizeof path, dir, frames_tsv))
    return fail(c, EXP_IO_ERROR, "path too long: %s/%s", dir, frames_tsv);
  fmt_buf b;
  fmt_buf_init(&b);
  bool ok = fmt_buf_appends(&b, "frame\tstep\tfraction\ttime\tseconds\n") == FMT_OK;
  for (size_t i = 0; i < n && ok; i++) {
    size_t k = 0;
    float f = 1.0f;
    frame_at(c, p, i, &k, &f);
    ok = fmt_buf_appendf(&b, "%zu\t%zu\t%.3f\t%.3f\t%.3f\n", i + 1, k, (double)f,
                         c->diagram->stops[k].time, (double)i / (double)c->o->fps) == FMT_OK;
  }
  int e = ok ? write_atomic(path, fmt_buf_str(&b), b.len) : ENOMEM;
  fmt_buf_free(&b);
  if (e != 0)
    return fail(c, EXP_IO_ERROR, "cannot write %s: %s", path, strerror(e));
  return EXP_OK;
}

/* After a pass that wrote frames: waits for them, then leaves the directory consistent (frames
 * 1..n, frames.tsv listing them, nothing else of ours). */
static exp_status end_frames(exp_ctx *c, const plan *p, encoder *enc, size_t put, exp_status st,
                             exp_result *res) {
  size_t whole = encoder_stop(enc, put);
  if (st == EXP_OK && whole < put)
    st = fail(c, EXP_IO_ERROR, "%s", enc->why);
  res->frames = whole;
  exp_status t = write_tsv(c, p, whole);
  prune_dir(c->o->frames, whole);
  return st != EXP_OK ? st : t;
}

/* Frames and video from one rendering (a GIF renders twice: palette, then video). */
static exp_status moving(exp_ctx *c, const char *ffmpeg, exp_result *res) {
  const exp_options *o = c->o;
  plan p;
  exp_status st = make_plan(c, &p);
  if (st != EXP_OK)
    return st;
  Uint32 format = SDL_PIXELFORMAT_ARGB8888; /* sdlr's offscreen surface */
  bool gif = o->video_kind == EXP_VIDEO_GIF;
  char palette[EXP_PATH_MAX + 64] = "";
  video_pipe first = {-1, -1, NULL, ""}, vid = {-1, -1, NULL, ""};
  encoder enc;
  memset(&enc, 0, sizeof enc);
  size_t done = 0;
  if (o->frames != NULL)
    encoder_start(&enc, o->frames);
  /* The first pass writes the frames, and feeds the video, or a GIF's palette. */
  if (gif) {
    int n = snprintf(palette, sizeof palette, "%s.palette.png", o->video);
    if (n < 0 || (size_t)n >= sizeof palette)
      st = fail(c, EXP_IO_ERROR, "path too long: %s", o->video);
  }
  if (st == EXP_OK && o->video != NULL)
    st = start_video(c, ffmpeg, gif ? 1 : 2, palette, format, &first);
  sinks s1 = {o->frames != NULL ? &enc : NULL, o->video != NULL ? &first : NULL,
              o->frames != NULL ? "frames"
              : gif             ? "palette"
                                : "video"};
  if (st == EXP_OK)
    st = play(c, &p, &s1, &done);
  if (o->frames != NULL)
    st = end_frames(c, &p, &enc, done, st, res);
  else
    res->frames = done;
  if (o->video != NULL) {
    exp_status f = finish(c, &first, st == EXP_OK, gif ? palette : o->video);
    if (st == EXP_OK)
      st = f;
  }
  if (gif && st == EXP_OK) { /* the second pass: the GIF, with the palette */
    st = start_video(c, ffmpeg, 2, palette, format, &vid);
    sinks s2 = {NULL, &vid, "video"};
    if (st == EXP_OK)
      st = play(c, &p, &s2, &done);
    exp_status g = finish(c, &vid, st == EXP_OK, o->video);
    if (st == EXP_OK)
      st = g;
  }
  if (gif)
    unlink(palette);
  return st;
}

/* ---- stills ------------------------------------------------------------------------------- */

static exp_status still(exp_ctx *c) {
  const exp_options *o = c->o;
  size_t last = c->diagram->nstops - 1;
  if (o->step >= 0 && (size_t)o->step > last)
    return fail(c, EXP_USAGE, "--step %ld is beyond the last step, %zu", o->step, last);
  size_t k = o->step >= 0 ? (size_t)o->step : last;
  scene_view v;
  make_view(c, o->width, o->height, o->diagram_only, &v);
  SDL_Surface *s = NULL;
  exp_status st = render(c, &v, k, 1.0f, &s);
  if (st != EXP_OK)
    return st;
  char msg[512];
  if (sdlr_save_png(s, o->png, msg, sizeof msg) != SDLR_OK)
    return fail(c, EXP_IO_ERROR, "cannot write %s", msg);
  return EXP_OK;
}

/* The SVG's baseline: TTF_FontAscent of the font the list was measured with. See
 * render-requests.md, 3. */
static float ascent(void *user, layout_face face, int size) {
  exp_ctx *c = user;
  for (size_t i = 0; i < c->nascents; i++)
    if (c->ascents[i].face == face && c->ascents[i].size == size)
      return c->ascents[i].ascent;
  float a = svg_default_ascent(NULL, face, size);
  if (!c->ttf && TTF_Init() == 0)
    c->ttf = true;
  TTF_Font *f =
      c->ttf && face >= 0 && face < FACE__COUNT ? TTF_OpenFont(c->fonts.path[face], size) : NULL;
  if (f != NULL) {
    a = (float)TTF_FontAscent(f);
    TTF_CloseFont(f);
  }
  if (c->nascents < EXP_ASCENTS)
    c->ascents[c->nascents++] = (ascent_slot){face, size, a};
  return a;
}

/* The whole diagram at scale 1, at the last step: the view is made as large as the diagram, so
 * nothing scrolls and nothing shrinks. */
static exp_status vector(exp_ctx *c, const char *path) {
  const theme *t = &c->theme;
  const layout_diagram *d = c->diagram;
  scene_view v;
  make_view(c, 0, 0, true, &v);
  v.scale = 1.0f;
  float frame = 2 * (t->margin + t->pad) + 2;
  v.w = (int)ceilf(d->width + t->ruler_w + frame);
  v.h = (int)ceilf(d->height + frame);
  size_t last = d->nstops - 1;
  for (int tries = 0; tries < 8; tries++) { /* the panel's own insets, whatever they are */
    scene_input in = {d, last, 1.0f, &v, t, sdlr_measure, c->r};
    float mx = 0, my = 0;
    scene_scroll_limits(&in, &mx, &my);
    scene_panels pn;
    scene_layout_panels(&in, &pn);
    if (mx <= 0 && my <= 0 && pn.dscale >= v.scale)
      break;
    v.w += (int)ceilf(mx) + 1;
    v.h += (int)ceilf(my) + 1;
  }
  v.follow = false;
  v.scroll_x = v.scroll_y = 0;
  exp_status st = build(c, &v, last, 1.0f);
  if (st != EXP_OK)
    return st;
  const char *file = trace_filename(d->trace);
  const char *slash = file != NULL ? strrchr(file, '/') : NULL;
  char title[512];
  snprintf(title, sizeof title, "loopviz: %.400s",
           file == NULL    ? "a scenario"
           : slash != NULL ? slash + 1
                           : file);
  svg_options so = {v.w, v.h, title, ascent, c, sdlr_measure, c->r};
  fmt_buf b;
  fmt_buf_init(&b);
  svg_status ss = svg_write(&c->list, &so, &b);
  if (ss != SVG_OK) {
    fmt_buf_free(&b);
    return fail(c, ss == SVG_NO_MEMORY ? EXP_NO_MEMORY : EXP_RENDER_ERROR,
                "cannot write the SVG: %s", ss == SVG_NO_MEMORY ? "out of memory" : "bad list");
  }
  int e = write_atomic(path, fmt_buf_str(&b), b.len);
  fmt_buf_free(&b);
  if (e != 0)
    return fail(c, EXP_IO_ERROR, "cannot write %s: %s", path, strerror(e));
  return EXP_OK;
}

/* ---- everything --------------------------------------------------------------------------- */

exp_status exp_run(const exp_options *o, const char *path, exp_result *res, char *err, size_t cap) {
  exp_result ignored;
  if (res == NULL)
    res = &ignored;
  memset(res, 0, sizeof *res);
  exp_ctx *c = calloc(1, sizeof *c);
  if (c == NULL) {
    snprintf(err, cap, "out of memory");
    return EXP_NO_MEMORY;
  }
  c->o = o;
  c->err = err;
  c->cap = cap;
  c->signalled = &exp_signalled;
  exp_status st = EXP_OK;
  /* First what can be checked without running anything, so a mistake costs nothing. */
  char ffmpeg[EXP_PATH_MAX] = "";
  if (o->video != NULL &&
      exp_find_program(o->ffmpeg, getenv("PATH"), ffmpeg, sizeof ffmpeg) != EXP_OK)
    st = fail(c, EXP_NO_PROGRAM,
              "--video needs the program '%s', which is not on PATH: install ffmpeg (Debian: "
              "apt-get install ffmpeg), or write frames with --frames DIR and encode them "
              "yourself",
              o->ffmpeg);
  bool made = false;
  if (st == EXP_OK && o->frames != NULL)
    st = prepare_dir(c, o->frames, &made);
  if (st == EXP_OK) {
    install_handlers(c);
    st = open_ctx(c, path);
    res->run_status = c->run_status;
    snprintf(res->error, sizeof res->error, "%s", c->error);
  }
  if (st == EXP_OK)
    res->stops = c->diagram->nstops;
  if (st == EXP_OK && o->svg != NULL)
    st = vector(c, o->svg);
  if (st == EXP_OK && o->png != NULL && !stop_asked(c))
    st = still(c);
  if (st == EXP_OK && (o->frames != NULL || o->video != NULL))
    st = moving(c, ffmpeg, res);
  if (st == EXP_OK && stop_asked(c))
    st = fail(c, EXP_INTERRUPTED, "interrupted");
  if (made && st != EXP_OK && res->frames == 0) { /* a directory made for nothing goes */
    char tsv[EXP_PATH_MAX];
    if (join(tsv, sizeof tsv, o->frames, frames_tsv))
      unlink(tsv);
    rmdir(o->frames);
  }
  restore_handlers(c);
  close_ctx(c);
  free(c);
  return st;
}
