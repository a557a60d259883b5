/* sdlr: display-list replay on SDL_Renderer, fonts, the glyph-run cache, offscreen PNGs.
 * See sdlr.h. */
#define _POSIX_C_SOURCE 200809L

#include "sdlr.h"

#include "font.h"
#include "pngw.h"

#include <SDL_ttf.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
  FONT_SLOTS = 48,      /* open (face, size) fonts kept; a frame uses about a dozen */
  RUN_SLOTS = 8192,     /* hash slots of the glyph-run cache (a power of two) */
  RUN_LIMIT = 4096,     /* cached runs before the ones unused this frame are dropped */
  RUN_TRIM_BATCH = 512, /* runs dropped at most in one frame while the table has room */
  CLIP_DEPTH = 32,      /* nested clips */
  DAMAGE_RECTS = 16,    /* rectangles a damage redraw draws, at most */
  DAMAGE_NEAR = 16,     /* pixels apart that a box still joins a damage rectangle */
  DAMAGE_PERCENT = 60,  /* a damage redraw of more than this part of the frame draws it all */
  DAMAGE_WALK = 64,     /* entries of a hash chain walked to find a command's match */
  MOVED_MAX = 1 << 20,  /* a moved fill's edges within this many pixels of 0 (fill_moved) */
  ARC_STEPS_MAX = 12,   /* segments of a quarter circle, at most */
  ARC_STEP_PX = 3,      /* about one segment per this many pixels of radius */
  TEXT_MAX = 4096,      /* bytes of one text command drawn */
  MEASURE_SLOTS = 4096, /* entries of the measuring cache (a power of two) */
  MEASURE_KEY = 256,    /* longest text the measuring cache keeps (a caption line and more) */
  DIGIT_FONTS = 32,     /* faces and sizes whose digits are checked (digit_check); a frame
                           at 1920x1080 measures in a dozen, layout in others */
};
_Static_assert(DAMAGE_RECTS <= 16, "a command's damage rectangles are bits of a uint16_t");

/* Whether the digits of one face and size can stand for one another in a measurement, so that
 * "Task-48213" measures as "Task-00000" does and 100,000 task names cost a handful of shapings.
 * It holds when every digit alone, and every pair of digits, measures the same (equal advances and
 * extents, no kerning between digits), and each character next to a run of digits measures the
 * same beside every digit (no kerning with it): the shaper's positions are then the same whatever
 * the digits are. Each is found out by measuring, once per face and size (and neighbour). */
typedef struct digit_check {
  layout_face face;     /* font */
  int size;             /* pixel size */
  int8_t uniform;       /* 0 unknown, 1 the digits and their pairs measure alike, -1 they do not */
  int8_t before[128];   /* per ASCII character c: 0 unknown, 1 "c0".."c9" measure alike, -1 not */
  int8_t after[128];    /* per ASCII character c: the same for "0c".."9c" */
  int8_t between[128][128]; /* when not uniform, per ASCII characters a and b: 1 when "a0b",
                               "a00b" and "a000b" measure alike whatever their digits, -1 not */
} digit_check;

/* A remembered measurement: layout measures the same few labels over and over. */
typedef struct measured {
  uint32_t hash;         /* hash of (face, size, text); 0 marks an empty slot */
  int size;              /* pixel size */
  layout_face face;      /* font */
  uint16_t len;          /* bytes of key */
  char key[MEASURE_KEY]; /* the text */
  float w, h;            /* the answer */
} measured;

typedef struct font_slot {
  TTF_Font *font;   /* open font, or NULL */
  layout_face face; /* its face */
  int size;         /* its size in pixels */
  uint64_t used;    /* the use counter when last used */
} font_slot;

/* Ink tinted for direct_text: per pixel of the ink, its colour times the colour / 255 and its
 * alpha times the opacity / 255, then premultiplied (B, G, R, alpha: what the pixel adds), and the
 * opacity's complement (255 - alpha) in four bytes (what the target's bytes are multiplied by):
 * text drawn in one colour frame after frame is tinted once. */
typedef struct tinted {
  Uint8 *px;         /* w * h * 4 added bytes, then w * h * 4 multipliers; NULL until made */
  theme_color color; /* the colour they were made for */
} tinted;

typedef struct run {
  char *key;            /* the text, or NULL for an empty slot; a tombstone is tomb */
  uint32_t hash;        /* hash of (face, size, text) */
  layout_face face;     /* font */
  int size;             /* pixel size */
  SDL_Texture *texture; /* the text in white (colour and opacity are applied as mods), without
                           its transparent margins; NULL when nothing of it shows or ink holds it */
  SDL_Surface *ink;     /* the same pixels for an offscreen sdlr drawing directly, else NULL */
  tinted tint;          /* ink tinted in the colour it was last drawn in */
  int dx, dy;           /* where the texture's corner is in the rendered run */
  int w, h;             /* texture size */
  uint64_t frame;       /* the frame that last drew it */
} run;

/* The last SC_KEEP_BEGIN..SC_KEEP_END group drawn offscreen, with the pixels it could change (its
 * area) before and after it. The software renderer is deterministic and writes nothing outside
 * the clip, so the same commands over the same pixels give the same pixels: the next frame that
 * has them copies the pixels instead of drawing them again. */
typedef struct kept_group {
  bool valid;      /* holds a group */
  size_t drawing;  /* while a group is drawn to be kept: its SC_KEEP_BEGIN's index + 1, else 0 */
  SDL_Rect area;   /* the pixels it can change: the clip where it began */
  Uint32 *before;  /* area's pixels before it, row by row */
  Uint32 *after;   /* area's pixels after it */
  size_t cap_px;   /* pixels allocated in each */
  scene_cmd *cmds; /* its commands; text offsets are into text */
  size_t ncmds;    /* entries */
  size_t cap_cmds; /* allocated */
  char *text;      /* its texts */
  size_t ntext;    /* bytes used */
  size_t cap_text; /* allocated */
} kept_group;

/* One command of a frame as a damage redraw compares it: a hash of all it is (texts and the clip
 * it is drawn in included) and that clip. */
typedef struct cmd_key {
  uint32_t hash; /* of the command, its text and its clip */
  SDL_Rect clip; /* where it can draw: its clip within the target, as drawn in full */
} cmd_key;

/* The frame a damage-drawn surface holds: a copy of its list, with each command's key. */
typedef struct prev_frame {
  bool valid;      /* the surface holds exactly this list, drawn */
  int w, h;        /* the surface's size then */
  scene_list list; /* the commands and their texts */
  cmd_key *keys;   /* list.n entries */
  size_t cap_keys; /* allocated */
} prev_frame;

/* Where commands of one list are, by their keys' hashes: each bucket's indices in order. */
typedef struct key_index {
  size_t *head;       /* per bucket, its first index, or SIZE_MAX */
  size_t *next;       /* per index, the next of its bucket, or SIZE_MAX */
  size_t mask;        /* buckets - 1 (a power of two) */
  size_t cap_buckets; /* allocated */
  size_t cap_next;    /* allocated */
} key_index;

struct sdlr {
  SDL_Renderer *renderer;       /* where commands go */
  bool own_renderer;            /* offscreen: the renderer and surface are ours */
  bool is_view;                 /* draws into another surface's pixels (sdlr_new_view) */
  const SDL_Surface *view_of;   /* a view: that surface, NULL while it has none */
  SDL_Surface *surface;         /* offscreen target, or NULL */
  char path[FACE__COUNT][4096]; /* font file of each face */
  font_slot fonts[FONT_SLOTS];  /* open fonts */
  uint64_t uses;                /* font use counter */
  run *runs;                    /* glyph-run hash table, RUN_SLOTS entries */
  size_t nruns;                 /* live runs */
  uint64_t frame;               /* frames drawn */
  SDL_Rect clips[CLIP_DEPTH + 1]; /* the clip stack (a damage rectangle under it) */
  int nclips;                   /* its depth */
  bool ttf_open;                /* TTF_Init succeeded (TTF_Quit is owed) */
  SDL_BlendMode blend;          /* the renderer's draw blend mode, as last set */
  measured *measures;           /* direct-mapped measuring cache, MEASURE_SLOTS entries */
  digit_check *digits;          /* DIGIT_FONTS entries: which fonts' digits are interchangeable */
  int ndigits;                  /* entries in use */
  int digit_next;               /* the entry a new face and size takes once all are in use */
  kept_group kept;              /* offscreen: the last kept group and its pixels */
  bool direct;                  /* offscreen: text, rectangles and triangles drawn by sdlr (see
                                   direct_same) */
  bool direct_ok;               /* offscreen: the probe found direct drawing exact */
  SDL_Surface *scratch;         /* direct drawing: translucent triangles, before they are blended
                                   in (as SDL draws them), or NULL */
  int target_w, target_h;       /* the target's size in pixels, as of this frame */
  Uint32 *row;                  /* direct: a row of the background's colour (background) */
  size_t cap_row;               /* its pixels allocated */
  int clip_base;                /* 1 while a damage rectangle is the bottom of the clip stack */
  SDL_Rect clip_in;             /* the clip within the target (clip_now) */
  uint64_t kept_checked;        /* the frame whose kept group's commands were last compared */
  size_t kept_checked_at;       /* at which SC_KEEP_BEGIN */
  bool kept_match;              /* they were the kept group's */
  bool damage_mode;             /* drawing a damage rectangle: no kept groups, no background
                                   shortcut, and whatever sdlr cannot draw itself is noted */
  bool fell_back;               /* something was drawn by SDL, not by sdlr, since last reset */
  prev_frame prev;              /* the list the surface holds (sdlr_render_damage) */
  cmd_key *keys_new;            /* the keys of the list being drawn (sdlr_render_damage) */
  size_t cap_keys_new;          /* allocated */
  uint16_t *meets;              /* per command of that list: bit i set when it may draw in damage
                                   rectangle i (damage_meets) */
  size_t cap_meets;             /* allocated */
  key_index index_old, index_new; /* where the commands of the last list and this one are */
};

static char tomb[] = ""; /* marks a deleted run slot; compared by address only */

/* ---- fonts -------------------------------------------------------------------------------- */

sdlr_status sdlr_find_fonts(const char *override, char store[][4096], sdlr_fonts *out, char *err,
                            size_t cap) {
  static const font_face faces[FACE__COUNT] = {
      [FACE_SANS] = FONT_SANS, [FACE_SANS_BOLD] = FONT_SANS_BOLD, [FACE_MONO] = FONT_MONO};
  for (int i = 0; i < FACE__COUNT; i++) {
    font_status st = font_resolve(override, faces[i], store[i], 4096);
    if (st != FONT_OK) {
      font_describe(st, faces[i], override, err, cap);
      return SDLR_FONT_ERROR;
    }
    out->path[i] = store[i];
  }
  return SDLR_OK;
}

static TTF_Font *font_at(sdlr *r, layout_face face, int size) {
  if (size < 1)
    size = 1;
  font_slot *victim = NULL; /* an empty slot, else the least recently used */
  r->uses++;
  for (int i = 0; i < FONT_SLOTS; i++) {
    font_slot *s = &r->fonts[i];
    if (s->font != NULL && s->face == face && s->size == size) {
      s->used = r->uses;
      return s->font;
    }
    if (s->font == NULL) {
      if (victim == NULL || victim->font != NULL)
        victim = s;
    } else if (victim == NULL || (victim->font != NULL && s->used < victim->used)) {
      victim = s;
    }
  }
  TTF_Font *f = TTF_OpenFont(r->path[face], size);
  if (f == NULL)
    return NULL;
  TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
  if (victim->font != NULL)
    TTF_CloseFont(victim->font);
  *victim = (font_slot){f, face, size, r->uses};
  return f;
}

static uint32_t run_hash(layout_face face, int size, const char *s, size_t n);

/* The width SDL_ttf gives text (len bytes, len below TEXT_MAX), or -1 when it fails. */
static int ttf_width(TTF_Font *f, const char *text, size_t len) {
  char buf[TEXT_MAX];
  memcpy(buf, text, len);
  buf[len] = '\0';
  int tw = 0;
  return TTF_SizeUTF8(f, buf, &tw, NULL) == 0 ? tw : -1;
}

/* 1 when the ten texts made by putting each digit where '0' is in pattern measure alike. */
static int8_t digits_alike(TTF_Font *f, const char *pattern, size_t len) {
  char buf[8];
  memcpy(buf, pattern, len);
  int first = -1;
  for (char d = '0'; d <= '9'; d++) {
    for (size_t i = 0; i < len; i++)
      buf[i] = pattern[i] == '0' ? d : pattern[i];
    int w = ttf_width(f, buf, len);
    if (w < 0 || (first >= 0 && w != first))
      return -1;
    first = w;
  }
  return 1;
}

/* The check of face at px, made on first use (NULL without a table). When the table is full a new
 * one takes the entries in turn: a full table made every later font's digits count (a text's
 * measure of 15 px sans with a time in it was a miss of the measuring cache each frame). */
static digit_check *digit_check_for(sdlr *r, TTF_Font *f, layout_face face, int px) {
  for (int i = 0; i < r->ndigits; i++)
    if (r->digits[i].face == face && r->digits[i].size == px)
      return &r->digits[i];
  if (r->digits == NULL)
    return NULL;
  digit_check *c = &r->digits[r->ndigits < DIGIT_FONTS ? r->ndigits++ : r->digit_next];
  r->digit_next = (r->digit_next + 1) % DIGIT_FONTS;
  memset(c, 0, sizeof *c);
  c->face = face;
  c->size = px;
  c->uniform = digits_alike(f, "0", 1);
  char pair[2] = {'0', '0'};
  for (char d = '0'; d <= '9' && c->uniform == 1; d++) {
    pair[1] = d; /* "0d".."9d": with the single digits alike, every pair measures alike */
    c->uniform = digits_alike(f, pair, 2);
  }
  return c;
}

/* Whether ASCII character ch beside a digit (before it when before, else after) measures the same
 * whatever the digit. */
static bool neighbour_ok(TTF_Font *f, digit_check *c, unsigned char ch, bool before) {
  if (ch >= 128)
    return false;
  int8_t *known = before ? &c->before[ch] : &c->after[ch];
  if (*known == 0) {
    char pair[2] = {before ? (char)ch : '0', before ? '0' : (char)ch};
    *known = digits_alike(f, pair, 2);
  }
  return *known == 1;
}

/* 1 when every text made by putting digits where '0' is in pattern (each '0' any digit, len
 * bytes, at most 3 of them) measures alike. */
static int8_t all_digits_alike(TTF_Font *f, const char *pattern, size_t len) {
  char buf[8];
  size_t at[3], n = 0;
  for (size_t i = 0; i < len; i++)
    if (pattern[i] == '0' && n < 3)
      at[n++] = i;
  memcpy(buf, pattern, len);
  int first = -1, combos = n == 1 ? 10 : n == 2 ? 100 : 1000;
  for (int k = 0; k < combos; k++) {
    for (size_t i = 0, v = (size_t)k; i < n; i++, v /= 10)
      buf[at[i]] = (char)('0' + v % 10);
    int w = ttf_width(f, buf, len);
    if (w < 0 || (first >= 0 && w != first))
      return -1;
    first = w;
  }
  return 1;
}

/* For a font whose digits alone do not measure alike (a digit's ink can be the edge of a text:
 * DejaVu Sans Bold's '0' and '4' are a pixel wider alone): whether a run of digits between the
 * ASCII characters a and b measures the same whatever its digits, found out on the runs of one,
 * two and three digits there. The digits are then inside the text, where only their advances and
 * kerning count. */
static bool between_ok(TTF_Font *f, digit_check *c, unsigned char a, unsigned char b) {
  if (a >= 128 || b >= 128)
    return false;
  int8_t *known = &c->between[a][b];
  if (*known == 0) {
    char p[5] = {(char)a, '0', (char)b};
    *known = all_digits_alike(f, p, 3);
    p[2] = '0';
    p[3] = (char)b;
    if (*known == 1)
      *known = all_digits_alike(f, p, 4);
    p[3] = '0';
    p[4] = (char)b;
    if (*known == 1)
      *known = all_digits_alike(f, p, 5);
  }
  return *known == 1;
}

/* Copies text to out with every digit made '0' when that cannot change its measure (see
 * digit_check); false, out unspecified, when it might or text has no digit. */
static bool digits_normalised(sdlr *r, layout_face face, int px, const char *text, size_t len,
                              char *out) {
  digit_check *c = NULL;
  TTF_Font *f = NULL;
  bool any = false;
  for (size_t i = 0; i < len;) {
    if (text[i] < '0' || text[i] > '9') {
      out[i] = text[i];
      i++;
      continue;
    }
    if (c == NULL) {
      f = font_at(r, face, px);
      c = f != NULL ? digit_check_for(r, f, face, px) : NULL;
      if (c == NULL || c->uniform == 0)
        return false;
    }
    size_t j = i;
    while (j < len && text[j] >= '0' && text[j] <= '9')
      out[j++] = '0';
    if (c->uniform == 1 ? (i > 0 && !neighbour_ok(f, c, (unsigned char)text[i - 1], true)) ||
                              (j < len && !neighbour_ok(f, c, (unsigned char)text[j], false))
                        : i == 0 || j == len ||
                              !between_ok(f, c, (unsigned char)text[i - 1], (unsigned char)text[j]))
      return false;
    any = true;
    i = j;
  }
  return any;
}

void sdlr_measure(void *user, layout_face face, float size, const char *text, size_t len, float *w,
                  float *h) {
  sdlr *r = user;
  int px = (int)lroundf(size);
  measured *slot = NULL;
  char norm[MEASURE_KEY];
  if (len < MEASURE_KEY && r->measures != NULL && digits_normalised(r, face, px, text, len, norm))
    text = norm;
  if (len < MEASURE_KEY && r->measures != NULL) {
    uint32_t hash = run_hash(face, px, text, len) | 1u;
    slot = &r->measures[hash & (MEASURE_SLOTS - 1)];
    if (slot->hash == hash && slot->face == face && slot->size == px && slot->len == len &&
        memcmp(slot->key, text, len) == 0) {
      *w = slot->w;
      *h = slot->h;
      return;
    }
    slot->hash = 0;
    slot->face = face;
    slot->size = px;
    slot->len = (uint16_t)len;
    memcpy(slot->key, text, len);
    slot->w = 0;
    slot->h = 0;
    slot->hash = hash; /* filled in below; a failure leaves zeros, as it returns */
  }
  TTF_Font *f = font_at(r, face, px);
  *w = 0;
  *h = 0;
  if (f == NULL) {
    if (slot != NULL)
      slot->hash = 0;
    return;
  }
  *h = (float)TTF_FontHeight(f);
  if (len == 0) {
    if (slot != NULL)
      slot->h = *h;
    return;
  }
  int tw = ttf_width(f, text, len < TEXT_MAX ? len : TEXT_MAX - 1);
  if (tw >= 0)
    *w = (float)tw;
  if (slot != NULL) {
    slot->w = *w;
    slot->h = *h;
  }
}

/* ---- the glyph-run cache ------------------------------------------------------------------ */

static uint32_t run_hash(layout_face face, int size, const char *s, size_t n) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  h = (h ^ (uint32_t)face) * 16777619u;
  h = (h ^ (uint32_t)size) * 16777619u;
  return h;
}

/* Frees what a run holds but its key. */
static void run_release(run *e) {
  if (e->texture != NULL)
    SDL_DestroyTexture(e->texture);
  SDL_FreeSurface(e->ink);
  free(e->tint.px);
}

static void run_drop(sdlr *r, run *e) {
  run_release(e);
  free(e->key);
  memset(e, 0, sizeof *e);
  e->key = tomb;
  r->nruns--;
}

/* Drops runs not drawn in this frame, and rebuilds the table so tombstones do not pile up. At
 * most RUN_TRIM_BATCH of them while the table is under three quarters full: destroying
 * thousands of textures at once made one frame in a few hundred slow while scrolling. */
static void runs_trim(sdlr *r) {
  run *old = r->runs;
  run *fresh = calloc(RUN_SLOTS, sizeof *fresh);
  if (fresh == NULL)
    return;
  size_t kept = 0;
  size_t budget = r->nruns > RUN_SLOTS / 4 * 3 ? RUN_SLOTS : RUN_TRIM_BATCH;
  for (size_t i = 0; i < RUN_SLOTS; i++) {
    run *e = &old[i];
    if (e->key == NULL || e->key == tomb)
      continue;
    if (e->frame != r->frame && budget > 0) {
      budget--;
      run_release(e);
      free(e->key);
      continue;
    }
    size_t j = e->hash & (RUN_SLOTS - 1);
    while (fresh[j].key != NULL)
      j = (j + 1) & (RUN_SLOTS - 1);
    fresh[j] = *e;
    kept++;
  }
  free(old);
  r->runs = fresh;
  r->nruns = kept;
}

/* Shrinks box (the whole of a rendered run, 32 bits a pixel) to the rows and columns whose pixels
 * are not all transparent; w 0 when every pixel is. A transparent pixel blended onto the target
 * leaves it as it was (its colour is multiplied by its alpha, 0, and the target's by 255 / 255),
 * so drawing only the box gives the same pixels, and the blitter has fewer to go through. */
static void ink_box(const SDL_Surface *s, SDL_Rect *box) {
  const SDL_PixelFormat *f = s->format;
  if (f->BytesPerPixel != 4 || f->Amask == 0 || SDL_MUSTLOCK(s)) /* not cropped */
    return;
  int x0 = s->w, x1 = -1, y0 = s->h, y1 = -1;
  for (int y = 0; y < s->h; y++) {
    const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
    for (int x = 0; x < s->w; x++)
      if ((row[x] & f->Amask) != 0) {
        if (x < x0)
          x0 = x;
        if (x > x1)
          x1 = x;
        if (y < y0)
          y0 = y;
        y1 = y;
      }
  }
  if (x1 < 0) {
    *box = (SDL_Rect){0, 0, 0, 0};
    return;
  }
  *box = (SDL_Rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

static run *run_get(sdlr *r, layout_face face, int size, const char *s, size_t n) {
  uint32_t h = run_hash(face, size, s, n);
  size_t j = h & (RUN_SLOTS - 1);
  run *free_slot = NULL;
  for (size_t probes = 0; probes < RUN_SLOTS; probes++, j = (j + 1) & (RUN_SLOTS - 1)) {
    run *e = &r->runs[j];
    if (e->key == NULL) {
      if (free_slot == NULL)
        free_slot = e;
      break;
    }
    if (e->key == tomb) {
      if (free_slot == NULL)
        free_slot = e;
      continue;
    }
    if (e->hash == h && e->face == face && e->size == size && strlen(e->key) == n &&
        memcmp(e->key, s, n) == 0) {
      e->frame = r->frame;
      return e;
    }
  }
  if (free_slot == NULL || r->nruns >= RUN_SLOTS - 1)
    return NULL;
  TTF_Font *f = font_at(r, face, size);
  if (f == NULL)
    return NULL;
  char *key = malloc(n + 1);
  if (key == NULL)
    return NULL;
  memcpy(key, s, n);
  key[n] = '\0';
  SDL_Surface *surf = TTF_RenderUTF8_Blended(f, key, (SDL_Color){0xff, 0xff, 0xff, 0xff});
  if (surf == NULL) {
    free(key);
    return NULL;
  }
  SDL_Rect ink = {0, 0, surf->w, surf->h};
  ink_box(surf, &ink);
  SDL_Texture *tex = NULL;
  SDL_Surface *kept = NULL;
  bool made = ink.w == 0; /* nothing shows: nothing to draw */
  if (!made) {
    SDL_Surface *part = surf;
    if (ink.w != surf->w || ink.h != surf->h)
      part = SDL_CreateRGBSurfaceWithFormatFrom(
          (Uint8 *)surf->pixels + ink.y * surf->pitch + ink.x * 4, ink.w, ink.h, 32, surf->pitch,
          surf->format->format);
    if (r->direct && part != NULL) /* a copy of its own: part may borrow surf's pixels */
      kept = SDL_ConvertSurfaceFormat(part, SDL_PIXELFORMAT_ARGB8888, 0);
    else if (part != NULL)
      tex = SDL_CreateTextureFromSurface(r->renderer, part);
    if (part != NULL && part != surf)
      SDL_FreeSurface(part);
    made = tex != NULL || kept != NULL;
  }
  SDL_FreeSurface(surf);
  if (!made) {
    free(key);
    return NULL;
  }
  if (tex != NULL)
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
  if (kept != NULL)
    SDL_SetSurfaceBlendMode(kept, SDL_BLENDMODE_BLEND);
  *free_slot = (run){.key = key,
                     .hash = h,
                     .face = face,
                     .size = size,
                     .texture = tex,
                     .ink = kept,
                     .dx = ink.x,
                     .dy = ink.y,
                     .w = ink.w,
                     .h = ink.h,
                     .frame = r->frame};
  r->nruns++;
  return free_slot;
}

size_t sdlr_cached_runs(const sdlr *r) { return r->nruns; }

/* ---- primitives --------------------------------------------------------------------------- */

static SDL_Color sdl_color(theme_color c) { return (SDL_Color){c.r, c.g, c.b, c.a}; }

/* Opaque colours are drawn without blending, which the software renderer does several times
 * faster; translucent ones blend. The blend mode also applies to untextured geometry. */
static void set_blend(sdlr *r, theme_color c) {
  SDL_BlendMode want = c.a == 0xff ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND;
  if (want != r->blend) {
    SDL_SetRenderDrawBlendMode(r->renderer, want);
    r->blend = want;
  }
}

static void set_color(sdlr *r, theme_color c) {
  set_blend(r, c);
  SDL_SetRenderDrawColor(r->renderer, c.r, c.g, c.b, c.a);
}

/* ---- shapes ------------------------------------------------------------------------------ */

enum {
  SHAPE_POINTS = 8 * (ARC_STEPS_MAX + 1),      /* a rounded outline's two rings, at most */
  SHAPE_INDICES = 6 * 4 * (ARC_STEPS_MAX + 1), /* its triangles' corners */
};

/* Triangles of one colour as SDL_RenderGeometry takes them: points, and three indices into them
 * a triangle. */
typedef struct shape {
  SDL_FPoint pt[SHAPE_POINTS]; /* the points */
  int idx[SHAPE_INDICES];      /* the triangles, three points each */
  int np;                      /* points used */
  int ni;                      /* indices used */
} shape;

static int arc_steps(float radius) {
  int n = (int)(radius / ARC_STEP_PX) + 2;
  return n > ARC_STEPS_MAX ? ARC_STEPS_MAX : n;
}

/* The outline of a rounded rect, clockwise from the top-left corner's arc: 4 * (steps + 1)
 * points. */
static int round_points(float x0, float y0, float x1, float y1, float rad, int steps,
                        SDL_FPoint *out) {
  const float quarter = 1.57079632679f; /* a quarter turn, in radians */
  const float cx[4] = {x0 + rad, x1 - rad, x1 - rad, x0 + rad};
  const float cy[4] = {y0 + rad, y0 + rad, y1 - rad, y1 - rad};
  int n = 0;
  for (int corner = 0; corner < 4; corner++) {
    float start = quarter * (float)(corner + 2); /* the top-left arc starts pointing left */
    for (int i = 0; i <= steps; i++) {
      float a = start + quarter * (float)i / (float)steps;
      out[n++] = (SDL_FPoint){cx[corner] + cosf(a) * rad, cy[corner] + sinf(a) * rad};
    }
  }
  return n;
}

/* The four corners of a filled rounded rect (whole-pixel edges and radius rad >= 1), each a fan of
 * triangles from its arc's centre. */
static void shape_round_corners(shape *g, float x0, float y0, float x1, float y1, float rad) {
  int steps = arc_steps(rad);
  SDL_FPoint pts[4 * (ARC_STEPS_MAX + 1)];
  round_points(x0, y0, x1, y1, rad, steps, pts);
  const float cx[4] = {x0 + rad, x1 - rad, x1 - rad, x0 + rad};
  const float cy[4] = {y0 + rad, y0 + rad, y1 - rad, y1 - rad};
  g->np = g->ni = 0;
  for (int corner = 0; corner < 4; corner++) {
    int centre = g->np;
    g->pt[g->np++] = (SDL_FPoint){cx[corner], cy[corner]};
    for (int i = 0; i <= steps; i++)
      g->pt[g->np++] = pts[corner * (steps + 1) + i];
    for (int i = 0; i < steps; i++) {
      g->idx[g->ni++] = centre;
      g->idx[g->ni++] = centre + 1 + i;
      g->idx[g->ni++] = centre + 2 + i;
    }
  }
}

/* The outline of a rounded rect (radius at least 1) w pixels wide: a strip of triangles between
 * the outer ring and the inner one. */
static void shape_round_outline(shape *g, float x0, float y0, float x1, float y1, float radius,
                                float w) {
  int steps = arc_steps(radius);
  SDL_FPoint outer[4 * (ARC_STEPS_MAX + 1)], inner[4 * (ARC_STEPS_MAX + 1)];
  int n = round_points(x0, y0, x1, y1, radius, steps, outer);
  float ir = radius - w > 0 ? radius - w : 0;
  round_points(x0 + w, y0 + w, x1 - w, y1 - w, ir, steps, inner);
  for (int i = 0; i < n; i++) {
    g->pt[2 * i] = outer[i];
    g->pt[2 * i + 1] = inner[i];
  }
  g->np = 2 * n;
  g->ni = 0;
  for (int i = 0; i < n; i++) {
    int a = 2 * i, b = 2 * i + 1, c = 2 * ((i + 1) % n), d = 2 * ((i + 1) % n) + 1;
    const int tri[6] = {a, c, b, b, c, d};
    memcpy(g->idx + g->ni, tri, sizeof tri);
    g->ni += 6;
  }
}

/* Points given in order, a triangle every three. */
static void shape_points(shape *g, const SDL_FPoint *p, int n) {
  memcpy(g->pt, p, (size_t)n * sizeof *p);
  g->np = n;
  g->ni = 0;
  for (int i = 0; i < n / 3 * 3; i++)
    g->idx[g->ni++] = i;
}

/* ---- direct drawing (offscreen) ----------------------------------------------------------
 * SDL's software renderer blends text drawn with a colour or an opacity through its generic
 * per-pixel blitter, and translucent rectangles through another loop, both several times slower
 * than need be; it fills opaque ones with stores that bypass the cache the next drawing reads, and
 * it draws each triangle of a rounded box or outline as a command of its own with a per-pixel test
 * of its whole bounding box. Together most of a frame's time. An offscreen sdlr draws those itself,
 * straight into its surface, with the very arithmetic of SDL's loops (their divisions by 255 and
 * all) and SDL's rounding of positions and clipping, so the pixels are the same to the bit.
 * direct_same checks it on a probe when the sdlr is made; when they differ (another SDL and
 * another arithmetic), SDL draws them as before. */

/* x / 255 for x up to 65535, exactly. */
static inline unsigned div255(unsigned x) { return (x * 0x8081u) >> 23; }

/* Where the current clip lets pixels change, within the target (empty when the clip is), as
 * apply_clip last found it. */
static SDL_Rect clip_now(const sdlr *r) { return r->clip_in; }

/* clip_now worked out. */
static SDL_Rect clip_find(const sdlr *r) {
  SDL_Rect all = {0, 0, r->target_w, r->target_h}, out;
  if (r->nclips == 0)
    return all;
  if (!SDL_IntersectRect(&r->clips[r->nclips - 1], &all, &out))
    return (SDL_Rect){0, 0, 0, 0};
  return out;
}

/* The pixels SDL_RenderFillRectF fills for f (before clipping): its corner and size truncated to
 * whole pixels, at least one pixel each way. */
static SDL_Rect fill_box(SDL_FRect f) {
  SDL_Rect want = {(int)f.x, (int)f.y, (int)f.w, (int)f.h};
  want.w = want.w < 1 ? 1 : want.w;
  want.h = want.h < 1 ? 1 : want.h;
  return want;
}

static void blend_bytes(Uint8 *restrict dst, const Uint8 *restrict add, const Uint8 *restrict mul,
                        int n);

enum { FILL_RUN = 16 }; /* pixels of one colour set out for a row to be filled or blended from */

/* A rectangle drawn into s as SDL_RenderFillRectF draws it (fill_box, clipped); opaque, the
 * colour, else each channel becomes dst * (255 - a) / 255 + colour * a / 255 (blend_bytes, with
 * FILL_RUN pixels of the colour's bytes and the complement of its opacity). */
static void direct_fill(SDL_Surface *s, SDL_Rect clip, SDL_FRect f, theme_color c) {
  SDL_Rect want = fill_box(f), box;
  if (!SDL_IntersectRect(&want, &clip, &box))
    return;
  Uint32 run[FILL_RUN];
  if (c.a == 0xff) { /* opaque: the colour itself, one row made and copied down */
    Uint32 v = 0xff000000u | (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
    for (int x = 0; x < FILL_RUN; x++)
      run[x] = v;
    Uint8 *first = (Uint8 *)s->pixels + (size_t)box.y * (size_t)s->pitch + (size_t)box.x * 4;
    for (int x = 0; x < box.w; x += FILL_RUN)
      memcpy(first + (size_t)x * 4, run, (size_t)SDL_min(FILL_RUN, box.w - x) * 4);
    for (int y = box.y + 1; y < box.y + box.h; y++)
      memcpy((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch + (size_t)box.x * 4, first,
             (size_t)box.w * 4);
    return;
  }
  unsigned a = c.a;
  Uint32 add = a << 24 | div255(c.r * a) << 16 | div255(c.g * a) << 8 | div255(c.b * a);
  Uint32 mul[FILL_RUN];
  for (int x = 0; x < FILL_RUN; x++) {
    run[x] = add;
    mul[x] = (255 - a) * 0x01010101u;
  }
  for (int y = box.y; y < box.y + box.h; y++) {
    Uint8 *row = (Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch + (size_t)box.x * 4;
    for (int x = 0; x < box.w; x += FILL_RUN)
      blend_bytes(row + (size_t)x * 4, (const Uint8 *)run, (const Uint8 *)mul,
                  SDL_min(FILL_RUN, box.w - x) * 4);
  }
}

/* Makes t the tint of ink in colour c (false when memory ran out). */
static bool tint_ink(tinted *t, const SDL_Surface *ink, theme_color c) {
  size_t n = (size_t)ink->w * (size_t)ink->h;
  if (t->px != NULL && memcmp(&t->color, &c, sizeof c) == 0)
    return true;
  if (t->px == NULL && (t->px = malloc(n * 8)) == NULL)
    return false;
  t->color = c;
  Uint8 *add = t->px, *mul = t->px + n * 4;
  /* most of a run's pixels are clear (they add nothing, keep all) or solid white (the colour at
   * the opacity): those two, worked out once, as the loop below works them out */
  unsigned solid = div255(255 * c.a);
  const Uint8 clear_add[4] = {0, 0, 0, 0}, clear_mul[4] = {255, 255, 255, 255};
  const Uint8 solid_add[4] = {(Uint8)div255(c.b * solid), (Uint8)div255(c.g * solid),
                              (Uint8)div255(c.r * solid), (Uint8)solid};
  Uint8 solid_mul[4];
  memset(solid_mul, (int)(255 - solid), 4);
  for (int y = 0; y < ink->h; y++) {
    const Uint32 *row =
        (const Uint32 *)((const Uint8 *)ink->pixels + (size_t)y * (size_t)ink->pitch);
    for (int x = 0; x < ink->w; x++, add += 4, mul += 4) {
      Uint32 p = row[x];
      if (p >> 24 == 0 || p == 0xffffffffu) {
        bool clear = p >> 24 == 0;
        memcpy(add, clear ? clear_add : solid_add, 4);
        memcpy(mul, clear ? clear_mul : solid_mul, 4);
        continue;
      }
      unsigned a = div255((p >> 24) * c.a);
      add[0] = (Uint8)div255(div255((p & 0xff) * c.b) * a);
      add[1] = (Uint8)div255(div255(((p >> 8) & 0xff) * c.g) * a);
      add[2] = (Uint8)div255(div255(((p >> 16) & 0xff) * c.r) * a);
      add[3] = (Uint8)a;
      memset(mul, (int)(255 - a), 4);
    }
  }
  return true;
}

/* n bytes of the target blended with tinted ones: dst * mul / 255 + add. That is every case of
 * SDL's blend at once: alpha 0 adds nothing and multiplies by 255 / 255 (the target as it was),
 * alpha 255 multiplies by 0 (the colour), and no byte overflows (add is at most alpha). The
 * division by 255 of a product of two bytes is exact as (t + 1 + t / 256) / 256, in 16 bits, which
 * the compiler does many bytes at a time. */
static void blend_bytes(Uint8 *restrict dst, const Uint8 *restrict add, const Uint8 *restrict mul,
                        int n) {
  for (int i = 0; i < n; i++) {
    uint16_t t = (uint16_t)(dst[i] * mul[i]);
    dst[i] = (Uint8)(add[i] + (uint16_t)(t + 1 + (t >> 8)) / 256);
  }
}

/* Text (ink, white, ARGB8888) with its corner at (fx, fy), blended into s as SDL_RenderCopyF
 * blends a texture with colour and alpha mods: the corner truncated to whole pixels, clipped;
 * each source pixel's colour times the colour / 255 and its alpha times the opacity / 255, then
 * premultiplied, then dst * (255 - alpha) / 255 added (with tint, made in t). White at full
 * opacity takes SDL's own blitter (another, fast one), as it did. False when memory ran out. */
static bool direct_text(SDL_Surface *s, SDL_Rect clip, SDL_Surface *ink, tinted *t, float fx,
                        float fy, theme_color c) {
  SDL_Rect at = {(int)fx, (int)fy, ink->w, ink->h}, box;
  if (!SDL_IntersectRect(&at, &clip, &box))
    return true;
  if (c.r == 0xff && c.g == 0xff && c.b == 0xff && c.a == 0xff) {
    SDL_SetClipRect(s, &clip);
    SDL_BlitSurface(ink, NULL, s, &at);
    return true;
  }
  if (!tint_ink(t, ink, c))
    return false;
  size_t half = (size_t)ink->w * (size_t)ink->h * 4;
  for (int y = box.y; y < box.y + box.h; y++) {
    size_t from = ((size_t)(y - at.y) * (size_t)ink->w + (size_t)(box.x - at.x)) * 4;
    Uint8 *dst = (Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch + (size_t)box.x * 4;
    blend_bytes(dst, t->px + from, t->px + half + from, box.w * 4);
  }
  return true;
}

/* Triangles: SDL_RenderGeometry on the software renderer (SDL_SW_RenderGeometryRaw) draws two
 * triangles in a row that make an axis-aligned rectangle of one colour as that rectangle (a blended
 * SDL_RenderFillRectF), and every other triangle by SDL_SW_FillTriangle: its corners truncated to
 * whole pixels and doubled (its fixed point: pixel centres are odd), the pixels of the corners'
 * bounding box (last column and row out, clipped) whose centres pass the three edge functions, with
 * the top-left rule on the edges. Opaque, they are written; translucent, drawn into a transparent
 * scratch surface of the box's size and blended in with SDL_BlitSurface, as SDL does. Here each
 * row's pixels are found as one run, from the edge functions solved for x, and filled at once. */

enum {
  GEOMETRY_MAX_PX = 8192,    /* corners within this many pixels of 0: no int overflows */
  GEOMETRY_FAR_PX = 1 << 28, /* corners within this many pixels of 0: SDL's positions and boxes
                                do not overflow (its edge functions are checked: tri_fits_int) */
  TRI_NARROW = 16,           /* a triangle's rows up to this wide are tested pixel by pixel */
};

/* (b - a) x (c - a), as SDL's cross_product (exact here: no operand can overflow). */
static int64_t tri_cross(SDL_Point a, SDL_Point b, int64_t cx, int64_t cy) {
  return (int64_t)(b.x - a.x) * (cy - a.y) - (int64_t)(b.y - a.y) * (cx - a.x);
}

/* SDL's top-left rule: whether edge a-b owns the pixels whose centres lie on it. */
static bool tri_top_left(SDL_Point a, SDL_Point b, bool clockwise) {
  if (clockwise)
    return (a.y == b.y && a.x < b.x) || b.y < a.y;
  return (a.y == b.y && b.x < a.x) || a.y < b.y;
}

/* Narrows [*lo, *hi] to the x where step * x + at >= 0. */
static void tri_edge(int64_t step, int64_t at, int64_t *lo, int64_t *hi) {
  if (step > 0) {
    int64_t m = -at; /* x >= m / step, rounded up */
    int64_t q = m > 0 ? (m + step - 1) / step : -(-m / step);
    *lo = q > *lo ? q : *lo;
  } else if (step < 0) {
    int64_t d = -step; /* x <= at / d, rounded down */
    int64_t q = at >= 0 ? at / d : -((-at + d - 1) / d);
    *hi = q < *hi ? q : *hi;
  } else if (at < 0) {
    *hi = -1;
  }
}

/* The pixels SDL_SW_FillTriangle may set for a triangle of corners d (its fixed point): their
 * bounding box, within the surface and the clip; false when that is empty. */
static bool tri_box(const SDL_Surface *s, SDL_Rect clip, const SDL_Point d[3], SDL_Rect *box) {
  int x0 = SDL_min(d[0].x, SDL_min(d[1].x, d[2].x)), x1 = SDL_max(d[0].x, SDL_max(d[1].x, d[2].x));
  int y0 = SDL_min(d[0].y, SDL_min(d[1].y, d[2].y)), y1 = SDL_max(d[0].y, SDL_max(d[1].y, d[2].y));
  SDL_Rect whole = {0, 0, s->w, s->h};
  *box = (SDL_Rect){x0 >> 1, y0 >> 1, (x1 - x0) >> 1, (y1 - y0) >> 1};
  return SDL_IntersectRect(box, &whole, box) && SDL_IntersectRect(box, &clip, box);
}

/* Whether v fits an int with its negation (SDL's arithmetic then does not wrap). */
static bool fits_int(int64_t v) { return v >= -INT32_MAX && v <= INT32_MAX; }

/* (b - a) x (c - a) when each difference, product and their difference fits an int (as SDL's
 * cross_product works it out), in *out; false when one would not. */
static bool cross_fits(SDL_Point a, SDL_Point b, int64_t cx, int64_t cy, int64_t *out) {
  int64_t bx = (int64_t)b.x - a.x, by = (int64_t)b.y - a.y, ex = cx - a.x, ey = cy - a.y;
  int64_t l = bx * ey, r = by * ex;
  *out = l - r;
  return fits_int(bx) && fits_int(by) && fits_int(ex) && fits_int(ey) && fits_int(l) &&
         fits_int(r) && fits_int(*out);
}

/* Whether SDL_SW_FillTriangle's int arithmetic for the triangle of corners d (its fixed point)
 * over box (the pixels it visits, not empty) never wraps: its steps (doubled differences), its
 * edge functions at the box's first pixel and, as they are linear, at its four corners with the
 * bias added. Then the pixels it sets are those direct_triangle finds in 64 bits. */
static bool tri_fits_int(const SDL_Point d[3], SDL_Rect box) {
  int64_t px = 2 * (int64_t)box.x + 1, py = 2 * (int64_t)box.y + 1;
  for (int e = 0; e < 3; e++) {
    SDL_Point a = d[(e + 1) % 3], b = d[(e + 2) % 3];
    int64_t at, col = 2 * ((int64_t)a.y - b.y), row = 2 * ((int64_t)b.x - a.x);
    if (!fits_int(col) || !fits_int(row) || !cross_fits(a, b, px, py, &at))
      return false;
    for (int corner = 0; corner < 4; corner++) {
      int64_t v = at + col * (corner & 1 ? box.w - 1 : 0) + row * (corner & 2 ? box.h - 1 : 0);
      if (!fits_int(v) || !fits_int(v - 1) || !fits_int(-v) || !fits_int(-v - 1))
        return false;
    }
  }
  return true;
}

/* Triangle k of points p (indices into it) as SDL_SW_FillTriangle draws it in colour c. A
 * translucent one needs scratch at least as large as the clip. */
static void direct_triangle(SDL_Surface *s, SDL_Rect clip, SDL_Surface *scratch,
                            const SDL_FPoint *p, const int k[3], theme_color c) {
  SDL_Point d[3]; /* in SDL's fixed point */
  for (int j = 0; j < 3; j++)
    d[j] = (SDL_Point){(int)p[k[j]].x * 2, (int)p[k[j]].y * 2};
  int64_t area = tri_cross(d[0], d[1], d[2].x, d[2].y);
  SDL_Rect box;
  if (area == 0 || !tri_box(s, clip, d, &box))
    return;
  bool cw = area > 0;
  int64_t sign = cw ? 1 : -1;
  int64_t col[3] = {sign * 2 * (d[1].y - d[2].y), sign * 2 * (d[2].y - d[0].y),
                    sign * 2 * (d[0].y - d[1].y)}; /* per pixel rightwards */
  int64_t row[3] = {sign * 2 * (d[2].x - d[1].x), sign * 2 * (d[0].x - d[2].x),
                    sign * 2 * (d[1].x - d[0].x)};                  /* per pixel down */
  int64_t px = 2 * (int64_t)box.x + 1, py = 2 * (int64_t)box.y + 1; /* the first pixel's centre */
  int64_t w[3] = {sign * tri_cross(d[1], d[2], px, py), sign * tri_cross(d[2], d[0], px, py),
                  sign * tri_cross(d[0], d[1], px, py)};
  w[0] -= tri_top_left(d[1], d[2], cw) ? 0 : 1; /* the bias: >= 0 becomes > 0 off the top-left */
  w[1] -= tri_top_left(d[2], d[0], cw) ? 0 : 1;
  w[2] -= tri_top_left(d[0], d[1], cw) ? 0 : 1;
  bool opaque = c.a == 0xff;
  Uint32 v = (Uint32)c.a << 24 | (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
  for (int y = 0; y < box.h; y++) {
    Uint32 *out =
        opaque ? (Uint32 *)((Uint8 *)s->pixels + (size_t)(box.y + y) * (size_t)s->pitch) + box.x
               : (Uint32 *)((Uint8 *)scratch->pixels + (size_t)y * (size_t)scratch->pitch);
    if (!opaque)
      memset(out, 0, (size_t)box.w * 4);
    if (box.w <= TRI_NARROW) { /* a few pixels a row (an arc's): each tested, no divisions */
      int64_t a = w[0] + row[0] * y, b = w[1] + row[1] * y, e = w[2] + row[2] * y;
      for (int x = 0; x < box.w; x++, a += col[0], b += col[1], e += col[2])
        if ((a | b | e) >= 0)
          out[x] = v;
      continue;
    }
    int64_t lo = 0, hi = box.w - 1;
    for (int e = 0; e < 3; e++)
      tri_edge(col[e], w[e] + row[e] * y, &lo, &hi);
    for (int64_t x = lo; x <= hi; x++)
      out[x] = v;
  }
  if (!opaque) {
    SDL_Rect from = {0, 0, box.w, box.h};
    SDL_SetClipRect(s, &clip);
    SDL_BlitSurface(scratch, &from, s, &box);
  }
}

/* Whether corner q is within GEOMETRY_MAX_PX of 0. */
static bool near_px(SDL_FPoint q) {
  return fabsf(q.x) < GEOMETRY_MAX_PX && fabsf(q.y) < GEOMETRY_MAX_PX;
}

/* Triangle k of points p as shape_pieces takes it: drawn (when draw) as SDL_SW_FillTriangle
 * draws it when its corners are near (near_px: nothing can overflow), or lie within
 * GEOMETRY_FAR_PX and SDL's int arithmetic for it does not wrap (area and tri_fits_int); nothing
 * when SDL draws nothing (no area, no pixel in the clip); false for any other. */
static bool piece_triangle(SDL_Surface *s, SDL_Rect clip, SDL_Surface *scratch, const SDL_FPoint *p,
                           const int k[3], theme_color c, bool draw) {
  SDL_Point d[3];
  if (near_px(p[k[0]]) && near_px(p[k[1]]) && near_px(p[k[2]])) {
    if (draw)
      direct_triangle(s, clip, scratch, p, k, c);
    return true;
  }
  for (int j = 0; j < 3; j++) {
    SDL_FPoint q = p[k[j]];
    if (!(fabsf(q.x) < GEOMETRY_FAR_PX && fabsf(q.y) < GEOMETRY_FAR_PX))
      return false;
    d[j] = (SDL_Point){(int)q.x * 2, (int)q.y * 2};
  }
  int64_t area;
  SDL_Rect box;
  if (!cross_fits(d[0], d[1], d[2].x, d[2].y, &area))
    return false;
  if (area == 0 || !tri_box(s, clip, d, &box))
    return true;
  if (!tri_fits_int(d, box))
    return false;
  if (draw)
    direct_triangle(s, clip, scratch, p, k, c);
  return true;
}

/* Goes through g's triangles as the software renderer's SDL_RenderGeometry does: two in a row
 * that make an axis-aligned rectangle are that rectangle (direct_fill), the others triangles
 * (piece_triangle). With draw false it draws nothing and tells whether sdlr can draw them all as
 * SDL does: each triangle as piece_triangle takes it, each rectangle's corners within
 * GEOMETRY_FAR_PX. */
static bool shape_pieces(SDL_Surface *s, SDL_Rect clip, SDL_Surface *scratch, const shape *g,
                         theme_color c, bool draw) {
  const SDL_FPoint *p = g->pt;
  int prev[3] = {-1, -1, -1};
  for (int i = 0; i + 2 < g->ni; i += 3) {
    const int *k = &g->idx[i];
    if (prev[0] < 0) {
      memcpy(prev, k, sizeof prev);
      continue;
    }
    int shared = 0;
    for (int j = 0; j < 3; j++)
      shared += prev[j] == k[0] || prev[j] == k[1] || prev[j] == k[2];
    bool quad = shared == 2;
    int a = -1, b = -1;
    if (quad) { /* a the top-left corner, b the bottom-right, each one's third and the rectangle */
      SDL_FPoint q0 = p[k[0]], q1 = p[k[1]], q2 = p[k[2]];
      if (q0.x <= q1.x && q0.y <= q1.y)
        a = q0.x <= q2.x && q0.y <= q2.y ? k[0] : k[2];
      else
        a = q1.x <= q2.x && q1.y <= q2.y ? k[1] : k[2];
      if (q0.x >= q1.x && q0.y >= q1.y)
        b = q0.x >= q2.x && q0.y >= q2.y ? k[0] : k[2];
      else
        b = q1.x >= q2.x && q1.y >= q2.y ? k[1] : k[2];
      int third = k[0] != a && k[0] != b ? k[0] : k[1] != a && k[1] != b ? k[1] : k[2];
      int before = prev[0] != a && prev[0] != b   ? prev[0]
                   : prev[1] != a && prev[1] != b ? prev[1]
                                                  : prev[2];
      SDL_FPoint pa = p[a], pb = p[b];
      for (int j = 0; j < 2 && quad; j++) {
        SDL_FPoint pc = p[j == 0 ? third : before];
        quad = (pa.x == pc.x && pb.y == pc.y) || (pa.y == pc.y && pb.x == pc.x);
      }
    }
    if (quad) {
      SDL_FRect f = {p[a].x, p[a].y, p[b].x - p[a].x, p[b].y - p[a].y};
      if (!(fabsf(p[a].x) < GEOMETRY_FAR_PX && fabsf(p[a].y) < GEOMETRY_FAR_PX &&
            fabsf(p[b].x) < GEOMETRY_FAR_PX && fabsf(p[b].y) < GEOMETRY_FAR_PX))
        return false;
      if (draw && f.w != 0.0f && f.h != 0.0f)
        direct_fill(s, clip, f, c);
      prev[0] = -1;
      continue;
    }
    if (!piece_triangle(s, clip, scratch, p, prev, c, draw))
      return false;
    memcpy(prev, k, sizeof prev);
  }
  return prev[0] < 0 || piece_triangle(s, clip, scratch, p, prev, c, draw);
}

/* Draws g in colour c into s as the software renderer's SDL_RenderGeometry draws it (see above);
 * false, nothing drawn, when a corner lies too far out to be sure of SDL's arithmetic
 * (shape_pieces) or no scratch surface could be had. *scratch is the sdlr's, grown here. */
static bool direct_shape(SDL_Surface *s, SDL_Rect clip, SDL_Surface **scratch, const shape *g,
                         theme_color c) {
  bool near = true; /* then every piece can be drawn: no need to go through them first */
  for (int i = 0; i < g->np && near; i++)
    near = near_px(g->pt[i]);
  if (!near && !shape_pieces(s, clip, NULL, g, c, false))
    return false;
  if (c.a != 0xff && clip.w > 0 && clip.h > 0 &&
      (*scratch == NULL || (*scratch)->w < clip.w || (*scratch)->h < clip.h)) {
    SDL_Surface *t = SDL_CreateRGBSurfaceWithFormat(
        0, SDL_max(clip.w, *scratch ? (*scratch)->w : 0),
        SDL_max(clip.h, *scratch ? (*scratch)->h : 0), 32, SDL_PIXELFORMAT_ARGB8888);
    if (t == NULL || SDL_MUSTLOCK(t) || SDL_SetSurfaceBlendMode(t, SDL_BLENDMODE_BLEND) != 0) {
      SDL_FreeSurface(t);
      return false;
    }
    SDL_FreeSurface(*scratch);
    *scratch = t;
  }
  return shape_pieces(s, clip, *scratch, g, c, true);
}

/* g on SDL's renderer, in its current blend mode. */
static void sdl_shape(SDL_Renderer *ren, const shape *g, theme_color c) {
  SDL_Vertex v[SHAPE_POINTS];
  SDL_Color col = sdl_color(c);
  for (int i = 0; i < g->np; i++)
    v[i] = (SDL_Vertex){g->pt[i], col, {0, 0}};
  SDL_RenderGeometry(ren, NULL, v, g->np, g->idx, g->ni);
}

/* Probe shapes number i (0..3) in colour c, drawn by SDL on ren and directly into b: rounded
 * outlines and corners of several radii and widths, triangles of both windings, a slanted quad,
 * corners off the pixel grid and off the surface. False when direct drawing declined one. */
static bool probe_shapes(SDL_Renderer *ren, SDL_Surface *b, SDL_Rect clip, SDL_Surface **scratch,
                         int i, theme_color c) {
  float x = (float)(i * 11) - 6.3f, y = (float)(i * 7) - 4.6f, fi = (float)i;
  const SDL_FPoint tri[6] = {{x + 1.7f, y + 0.2f},  {x + 17.9f, y + 6.5f}, {x + 4.1f, y + 21.3f},
                             {x + 30.2f, y + 3.3f}, {x + 20.5f, y + 2.8f}, {x + 25.6f, y + 13.9f}};
  const SDL_FPoint slant[4] = {
      {x, y + 25}, {x + 19.5f, y + 14.25f}, {x + 21.1f, y + 16.6f}, {x + 1.6f, y + 27.4f}};
  shape g[4];
  shape_round_outline(&g[0], x + 2.3f, y + 1.6f, x + 19 + 3 * fi, y + 11 + fi, 1.2f + 1.7f * fi,
                      0.9f + 0.6f * fi);
  shape_round_corners(&g[1], roundf(x) + 9, roundf(y) + 4, roundf(x) + 24 + fi, roundf(y) + 13 + fi,
                      1 + fi);
  shape_points(&g[2], tri, 6);
  g[3] = (shape){
      .pt = {slant[0], slant[1], slant[2], slant[3]}, .idx = {0, 1, 2, 0, 2, 3}, .np = 4, .ni = 6};
  bool ok = true;
  SDL_SetRenderDrawBlendMode(ren, c.a == 0xff ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
  for (int j = 0; j < 4; j++) {
    sdl_shape(ren, &g[j], c);
    SDL_RenderFlush(ren);
    ok = ok && direct_shape(b, clip, scratch, &g[j], c);
  }
  SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
  return ok;
}

/* Whether direct drawing gives SDL's very pixels here: a probe drawn both ways, text and
 * rectangles and triangles (probe_shapes) over a background of many shades and opacities, with
 * colours and opacities, corners off the pixel grid and off the surface, and a clip. */
static bool direct_same(void) {
  enum { PW = 48, PH = 32, TW = 20, TH = 12 };
  SDL_Surface *a = SDL_CreateRGBSurfaceWithFormat(0, PW, PH, 32, SDL_PIXELFORMAT_ARGB8888);
  SDL_Surface *b = SDL_CreateRGBSurfaceWithFormat(0, PW, PH, 32, SDL_PIXELFORMAT_ARGB8888);
  SDL_Surface *ink = SDL_CreateRGBSurfaceWithFormat(0, TW, TH, 32, SDL_PIXELFORMAT_ARGB8888);
  SDL_Renderer *ren = a != NULL ? SDL_CreateSoftwareRenderer(a) : NULL;
  SDL_Texture *tex = NULL;
  SDL_Surface *scratch = NULL;
  tinted tint = {NULL, {0, 0, 0, 0}};
  bool same = false, drawn = true;
  if (b != NULL && ink != NULL && ren != NULL && !SDL_MUSTLOCK(a) && !SDL_MUSTLOCK(b)) {
    Uint32 seed = 12345;
    for (int i = 0; i < PW * PH; i++) {
      seed = seed * 1103515245u + 12345u;
      ((Uint32 *)a->pixels)[i] = ((Uint32 *)b->pixels)[i] = seed;
    }
    for (int i = 0; i < TW * TH; i++) /* every opacity, in white but for a few */
      ((Uint32 *)ink->pixels)[i] = (Uint32)(i * 37 % 256) << 24 | (i % 29 ? 0xffffffu : 0x80c040u);
    tex = SDL_CreateTextureFromSurface(ren, ink);
  }
  if (tex != NULL) {
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    SDL_Rect clip = {3, 2, 40, 27};
    SDL_RenderSetClipRect(ren, &clip);
    SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
    static const theme_color colors[4] = {
        {200, 30, 60, 180}, {20, 90, 200, 255}, {255, 255, 255, 77}, {255, 255, 255, 255}};
    static const SDL_FRect places[4] = {
        {-4.5f, 1.25f, 30.2f, 0.4f}, {30.7f, 20.9f, -2, 9.99f}, {6.2f, -3.7f, 0, 40}, {1, 9, 6, 3}};
    for (int i = 0; i < 4; i++) {
      theme_color c = colors[i];
      SDL_FRect f = places[i], at = {f.x, f.y, TW, TH};
      SDL_SetTextureColorMod(tex, c.r, c.g, c.b);
      SDL_SetTextureAlphaMod(tex, c.a);
      SDL_RenderCopyF(ren, tex, NULL, &at);
      drawn = direct_text(b, clip, ink, &tint, f.x, f.y, c) && drawn;
      theme_color fill = {c.b, c.r, c.g, (Uint8)(c.a / 2 + 20)};
      SDL_SetRenderDrawColor(ren, fill.r, fill.g, fill.b, fill.a);
      SDL_RenderFillRectF(ren, &f);
      direct_fill(b, clip, f, fill);
      SDL_FRect g = {f.y, f.x, f.w + 3.5f, f.h * 0.5f}; /* opaque: written over, not blended */
      fill.a = 0xff;
      SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_NONE);
      SDL_SetRenderDrawColor(ren, fill.r, fill.g, fill.b, fill.a);
      SDL_RenderFillRectF(ren, &g);
      SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
      direct_fill(b, clip, g, fill);
      drawn = probe_shapes(ren, b, clip, &scratch, i, c) && drawn;
    }
    SDL_RenderPresent(ren);
    same = drawn && memcmp(a->pixels, b->pixels, (size_t)a->pitch * PH) == 0;
  }
  SDL_FreeSurface(scratch);
  free(tint.px);
  if (tex != NULL)
    SDL_DestroyTexture(tex);
  if (ren != NULL)
    SDL_DestroyRenderer(ren);
  SDL_FreeSurface(a);
  SDL_FreeSurface(b);
  SDL_FreeSurface(ink);
  return same;
}

static void fill_rect(sdlr *r, float x0, float y0, float x1, float y1, theme_color c) {
  SDL_FRect rect = {x0, y0, x1 - x0, y1 - y0};
  if (r->direct) {
    SDL_RenderFlush(r->renderer); /* what SDL was given lands first */
    direct_fill(r->surface, clip_now(r), rect, c);
    return;
  }
  r->fell_back = true;
  set_color(r, c);
  SDL_RenderFillRectF(r->renderer, &rect);
}

/* g in colour c: by sdlr where it draws directly (the same pixels), else by SDL. */
static void draw_shape(sdlr *r, const shape *g, theme_color c) {
  if (r->direct) {
    SDL_RenderFlush(r->renderer); /* what SDL was given lands first */
    if (direct_shape(r->surface, clip_now(r), &r->scratch, g, c))
      return;
  }
  set_blend(r, c);
  sdl_shape(r->renderer, g, c);
}

static void quad(sdlr *r, SDL_FPoint a, SDL_FPoint b, SDL_FPoint c, SDL_FPoint d, theme_color col) {
  shape g = {.pt = {a, b, c, d}, .idx = {0, 1, 2, 0, 2, 3}, .np = 4, .ni = 6};
  draw_shape(r, &g, col);
}

/* A line of a width. Axis-aligned lines snap to whole pixels so thin ones stay crisp. */
static void thick_line(sdlr *r, float x0, float y0, float x1, float y1, float w, theme_color c) {
  if (w < 1.0f)
    w = 1.0f;
  if (x0 == x1 || y0 == y1) {
    float ww = roundf(w);
    if (x0 == x1) {
      float x = floorf(x0 - ww / 2 + 0.5f);
      fill_rect(r, x, fminf(y0, y1), x + ww, fmaxf(y0, y1), c);
    } else {
      float y = floorf(y0 - ww / 2 + 0.5f);
      fill_rect(r, fminf(x0, x1), y, fmaxf(x0, x1), y + ww, c);
    }
    return;
  }
  float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
  float nx = -dy / len * w / 2, ny = dx / len * w / 2;
  quad(r, (SDL_FPoint){x0 + nx, y0 + ny}, (SDL_FPoint){x1 + nx, y1 + ny},
       (SDL_FPoint){x1 - nx, y1 - ny}, (SDL_FPoint){x0 - nx, y0 - ny}, c);
}

/* Dashes are laid from the line's start, so they do not crawl as it scrolls; only those inside
 * the current clip (or the target) are drawn, however long the line. */
static void dashed_line(sdlr *r, const scene_cmd *k) {
  float dx = k->x1 - k->x0, dy = k->y1 - k->y0, len = sqrtf(dx * dx + dy * dy);
  if (len <= 0)
    return;
  float on = k->dash > 1 ? k->dash : 1, off = k->gap > 1 ? k->gap : 1, period = on + off;
  if (!(len / period < 1e12f)) /* too many dashes to count in a float */
    return;
  float ux = dx / len, uy = dy / len;
  SDL_Rect box;
  if (r->nclips > 0) {
    box = r->clips[r->nclips - 1];
  } else {
    box = (SDL_Rect){0, 0, 0, 0};
    SDL_GetRendererOutputSize(r->renderer, &box.w, &box.h);
  }
  /* the part of [0, len] whose points lie in the box, one axis at a time */
  float lo = 0, hi = len;
  const float p0[2] = {k->x0, k->y0}, u[2] = {ux, uy};
  const float bmin[2] = {(float)box.x, (float)box.y};
  const float bmax[2] = {(float)(box.x + box.w), (float)(box.y + box.h)};
  for (int axis = 0; axis < 2; axis++) {
    float margin = k->width;
    if (u[axis] == 0) {
      if (p0[axis] < bmin[axis] - margin || p0[axis] > bmax[axis] + margin)
        return;
      continue;
    }
    float t0 = (bmin[axis] - margin - p0[axis]) / u[axis];
    float t1 = (bmax[axis] + margin - p0[axis]) / u[axis];
    if (t0 > t1) {
      float tmp = t0;
      t0 = t1;
      t1 = tmp;
    }
    lo = fmaxf(lo, t0);
    hi = fminf(hi, t1);
  }
  if (lo >= hi)
    return;
  /* dash j from j * period, whatever the first drawn: the same dash in any clip, to the bit */
  for (int64_t j = (int64_t)floorf(lo / period);; j++) {
    float s = (float)j * period;
    if (s >= hi)
      break;
    float e = s + on < len ? s + on : len;
    thick_line(r, k->x0 + ux * s, k->y0 + uy * s, k->x0 + ux * e, k->y0 + uy * e, k->width,
               k->color);
  }
}

/* The inside as three rectangles (which the software renderer fills fast) and each corner as a
 * small triangle fan; the pieces do not overlap, so translucent fills stay even. */
/* A filled rounded rectangle: three rectangles and four fans of triangles. Its edges and radius
 * are whole pixels, so the pieces meet without a seam (SDL rounds each rectangle's fractional
 * edges on its own: a row between two of them could stay unfilled, a light line across a small
 * tag). */
/* A filled rounded rect's edges (b: x0, y0, x1, y1) and radius as fill_round draws it: whole
 * pixels, the radius at most half of either side. */
static void round_fill_box(const scene_cmd *k, float b[4], float *rad) {
  b[0] = roundf(k->x0);
  b[1] = roundf(k->y0);
  b[2] = roundf(k->x1);
  b[3] = roundf(k->y1);
  *rad = roundf(k->radius);
  if (*rad * 2 > b[2] - b[0])
    *rad = floorf((b[2] - b[0]) / 2);
  if (*rad * 2 > b[3] - b[1])
    *rad = floorf((b[3] - b[1]) / 2);
}

static void fill_round(sdlr *r, const scene_cmd *k) {
  float b[4], rad;
  round_fill_box(k, b, &rad);
  float x0 = b[0], y0 = b[1], x1 = b[2], y1 = b[3];
  if (rad < 1) {
    fill_rect(r, x0, y0, x1, y1, k->color);
    return;
  }
  fill_rect(r, x0, y0 + rad, x1, y1 - rad, k->color);
  fill_rect(r, x0 + rad, y0, x1 - rad, y0 + rad, k->color);
  fill_rect(r, x0 + rad, y1 - rad, x1 - rad, y1, k->color);
  shape g;
  shape_round_corners(&g, x0, y0, x1, y1, rad);
  draw_shape(r, &g, k->color);
}

static void stroke_round(sdlr *r, const scene_cmd *k) {
  float w = k->width < 1 ? 1 : k->width;
  if (k->radius < 1) {
    fill_rect(r, k->x0, k->y0, k->x1, k->y0 + w, k->color);
    fill_rect(r, k->x0, k->y1 - w, k->x1, k->y1, k->color);
    fill_rect(r, k->x0, k->y0 + w, k->x0 + w, k->y1 - w, k->color);
    fill_rect(r, k->x1 - w, k->y0 + w, k->x1, k->y1 - w, k->color);
    return;
  }
  shape g;
  shape_round_outline(&g, k->x0, k->y0, k->x1, k->y1, k->radius, w);
  draw_shape(r, &g, k->color);
}

static void triangle(sdlr *r, const scene_cmd *k) {
  const SDL_FPoint p[3] = {{k->x0, k->y0}, {k->x1, k->y1}, {k->x2, k->y2}};
  shape g;
  shape_points(&g, p, 3);
  draw_shape(r, &g, k->color);
}

static bool draw_text(sdlr *r, const scene_list *l, const scene_cmd *k) {
  run *e = run_get(r, k->face, k->size, scene_cmd_text(l, k), k->len);
  if (e == NULL)
    return false;
  if (e->ink != NULL) {
    SDL_RenderFlush(r->renderer);
    return direct_text(r->surface, clip_now(r), e->ink, &e->tint, k->x0 + (float)e->dx,
                       k->y0 + (float)e->dy, k->color);
  }
  if (e->texture == NULL) /* all of it transparent */
    return true;
  r->fell_back = true;
  SDL_SetTextureColorMod(e->texture, k->color.r, k->color.g, k->color.b);
  SDL_SetTextureAlphaMod(e->texture, k->color.a);
  SDL_FRect dst = {k->x0 + (float)e->dx, k->y0 + (float)e->dy, (float)e->w, (float)e->h};
  SDL_RenderCopyF(r->renderer, e->texture, NULL, &dst);
  return true;
}

static void apply_clip(sdlr *r) {
  r->clip_in = clip_find(r);
  if (r->nclips == 0)
    SDL_RenderSetClipRect(r->renderer, NULL);
  else
    SDL_RenderSetClipRect(r->renderer, &r->clips[r->nclips - 1]);
}

static void clip_push(sdlr *r, const scene_cmd *k) {
  SDL_Rect want = {(int)floorf(k->x0), (int)floorf(k->y0), 0, 0};
  want.w = (int)ceilf(k->x1) - want.x;
  want.h = (int)ceilf(k->y1) - want.y;
  if (want.w < 0)
    want.w = 0;
  if (want.h < 0)
    want.h = 0;
  SDL_Rect got = want;
  if (r->nclips > 0 && !SDL_IntersectRect(&want, &r->clips[r->nclips - 1], &got))
    got = (SDL_Rect){want.x, want.y, 0, 0};
  if (r->nclips < CLIP_DEPTH + r->clip_base)
    r->clips[r->nclips++] = got;
  apply_clip(r);
}

static void clip_pop(sdlr *r) {
  if (r->nclips > r->clip_base)
    r->nclips--;
  apply_clip(r);
}

/* ---- kept groups (offscreen) ------------------------------------------------------------- */

/* Whether a and b are the same command but for their texts' places (and texts). */
static bool same_fields(const scene_cmd *a, const scene_cmd *b) {
  return a->op == b->op && memcmp(&a->color, &b->color, sizeof a->color) == 0 && a->x0 == b->x0 &&
         a->y0 == b->y0 && a->x1 == b->x1 && a->y1 == b->y1 && a->x2 == b->x2 && a->y2 == b->y2 &&
         a->width == b->width && a->radius == b->radius && a->dash == b->dash && a->gap == b->gap &&
         a->face == b->face && a->size == b->size && a->len == b->len;
}

/* Makes *p hold at least want elements of size bytes (*cap of them allocated); false when memory
 * ran out, *p as it was. */
static bool grow_to(void **p, size_t *cap, size_t want, size_t size) {
  if (want <= *cap)
    return true;
  void *q = realloc(*p, want * size);
  if (q == NULL)
    return false;
  *p = q;
  *cap = want;
  return true;
}

/* Whether commands [from, to) of list are those of the kept group, texts included, with their
 * clips balanced. */
static bool kept_same(const kept_group *g, const scene_list *list, size_t from, size_t to) {
  if (to - from != g->ncmds)
    return false;
  for (size_t i = 0; i < g->ncmds; i++) {
    const scene_cmd *a = &list->cmds[from + i], *b = &g->cmds[i];
    if (!same_fields(a, b))
      return false;
    if (a->op == SC_TEXT && (b->text + b->len > g->ntext ||
                             memcmp(scene_cmd_text(list, a), g->text + b->text, a->len) != 0))
      return false;
  }
  return true;
}

/* Keeps a copy of commands [from, to); false when memory ran out or their clips do not balance. */
static bool kept_copy(kept_group *g, const scene_list *list, size_t from, size_t to) {
  size_t n = to - from, bytes = 0;
  int depth = 0;
  for (size_t i = from; i < to; i++) {
    const scene_cmd *k = &list->cmds[i];
    bytes += k->op == SC_TEXT ? k->len : 0;
    depth += k->op == SC_CLIP_PUSH ? 1 : k->op == SC_CLIP_POP ? -1 : 0;
    if (depth < 0 || k->op == SC_KEEP_BEGIN)
      return false;
  }
  if (depth != 0)
    return false;
  if (n > g->cap_cmds) {
    scene_cmd *p = realloc(g->cmds, n * sizeof *p);
    if (p == NULL)
      return false;
    g->cmds = p;
    g->cap_cmds = n;
  }
  if (bytes > g->cap_text) {
    char *p = realloc(g->text, bytes);
    if (p == NULL)
      return false;
    g->text = p;
    g->cap_text = bytes;
  }
  g->ntext = 0;
  for (size_t i = 0; i < n; i++) {
    scene_cmd k = list->cmds[from + i];
    if (k.op == SC_TEXT) {
      memcpy(g->text + g->ntext, scene_cmd_text(list, &k), k.len);
      k.text = (uint32_t)g->ntext;
      g->ntext += k.len;
    }
    g->cmds[i] = k;
  }
  g->ncmds = n;
  return true;
}

/* Copies the area's pixels of the surface into px (to_surface false) or back (true). */
static void area_pixels(SDL_Surface *s, SDL_Rect a, Uint32 *px, bool to_surface) {
  for (int y = 0; y < a.h; y++) {
    Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)(a.y + y) * (size_t)s->pitch) + a.x;
    Uint32 *mine = px + (size_t)y * (size_t)a.w;
    if (to_surface)
      memcpy(row, mine, (size_t)a.w * sizeof *row);
    else
      memcpy(mine, row, (size_t)a.w * sizeof *row);
  }
}

static bool area_unchanged(SDL_Surface *s, SDL_Rect a, const Uint32 *px) {
  for (int y = 0; y < a.h; y++) {
    const Uint32 *row =
        (const Uint32 *)((const Uint8 *)s->pixels + (size_t)(a.y + y) * (size_t)s->pitch) + a.x;
    if (memcmp(row, px + (size_t)y * (size_t)a.w, (size_t)a.w * sizeof *row) != 0)
      return false;
  }
  return true;
}

/* At SC_KEEP_BEGIN (index i): the index of its SC_KEEP_END when the kept pixels stand for the
 * group (copied in), else i, the group then drawn (and kept when it ends). */
static size_t keep_begin(sdlr *r, const scene_list *list, size_t i) {
  kept_group *g = &r->kept;
  g->drawing = 0;
  SDL_Surface *s = r->surface;
  if (s == NULL || s->format->BytesPerPixel != 4 || SDL_MUSTLOCK(s))
    return i;
  size_t end = i + 1;
  while (end < list->n && list->cmds[end].op != SC_KEEP_END)
    end++;
  SDL_Rect whole = {0, 0, s->w, s->h}, area = whole;
  if (end == list->n ||
      (r->nclips > 0 && !SDL_IntersectRect(&r->clips[r->nclips - 1], &whole, &area)))
    return i;
  size_t px = (size_t)area.w * (size_t)area.h;
  if (px == 0)
    return i;
  SDL_RenderFlush(r->renderer); /* the surface holds everything drawn so far */
  if (g->valid && SDL_RectEquals(&g->area, &area) && kept_same(g, list, i + 1, end) &&
      area_unchanged(s, area, g->before)) {
    area_pixels(s, area, g->after, true);
    return end;
  }
  g->valid = false;
  if (px > g->cap_px) {
    Uint32 *b = realloc(g->before, px * sizeof *b);
    if (b != NULL)
      g->before = b;
    Uint32 *a = b != NULL ? realloc(g->after, px * sizeof *a) : NULL;
    if (a != NULL)
      g->after = a;
    if (b == NULL || a == NULL)
      return i;
    g->cap_px = px;
  }
  if (!kept_copy(g, list, i + 1, end))
    return i;
  g->area = area;
  area_pixels(s, area, g->before, false);
  g->drawing = i + 1;
  return i;
}

/* At SC_KEEP_BEGIN (index i) in a damage rectangle: the index of its SC_KEEP_END when the kept
 * group's pixels stand for it there, copied in; else i, the group then drawn (and not kept). Each
 * pixel of a group's result depends on that pixel before it alone, so where the pixels before it in
 * the rectangle are those the kept group found, the pixels after it are those it left. */
static size_t keep_in_damage(sdlr *r, const scene_list *list, size_t i) {
  kept_group *g = &r->kept;
  SDL_Surface *s = r->surface;
  SDL_Rect clip = clip_now(r), want;
  if (!g->valid || s == NULL || clip.w <= 0 || clip.h <= 0 ||
      !SDL_IntersectRect(&g->area, &r->clips[0], &want) || !SDL_RectEquals(&want, &clip))
    return i;
  size_t end = i + 1;
  while (end < list->n && list->cmds[end].op != SC_KEEP_END)
    end++;
  if (end == list->n)
    return i;
  if (r->kept_checked != r->frame || r->kept_checked_at != i) { /* once a frame, however many
                                                                   rectangles */
    r->kept_checked = r->frame;
    r->kept_checked_at = i;
    r->kept_match = kept_same(g, list, i + 1, end);
  }
  if (!r->kept_match)
    return i;
  SDL_RenderFlush(r->renderer);
  for (int y = clip.y; y < clip.y + clip.h; y++) {
    Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch) + clip.x;
    size_t at = (size_t)(y - g->area.y) * (size_t)g->area.w + (size_t)(clip.x - g->area.x);
    if (memcmp(row, g->before + at, (size_t)clip.w * sizeof *row) != 0)
      return i;
  }
  for (int y = clip.y; y < clip.y + clip.h; y++) {
    Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch) + clip.x;
    size_t at = (size_t)(y - g->area.y) * (size_t)g->area.w + (size_t)(clip.x - g->area.x);
    memcpy(row, g->after + at, (size_t)clip.w * sizeof *row);
  }
  return end;
}

static void keep_end(sdlr *r) {
  kept_group *g = &r->kept;
  if (g->drawing == 0)
    return;
  SDL_RenderFlush(r->renderer);
  area_pixels(r->surface, g->area, g->after, false);
  g->valid = true;
  g->drawing = 0;
}

static void kept_free(kept_group *g) {
  free(g->before);
  free(g->after);
  free(g->cmds);
  free(g->text);
  memset(g, 0, sizeof *g);
}

/* The box of a shape (any drawing command but text): its corners (b: x0, y0, x1, y1) and how much
 * to grow it by for rounding, SDL's pixel at least and half the stroke. False for other commands.
 */
static bool shape_box(const scene_cmd *k, float b[4], float *grow) {
  b[0] = fminf(k->x0, k->x1);
  b[1] = fminf(k->y0, k->y1);
  b[2] = fmaxf(k->x0, k->x1);
  b[3] = fmaxf(k->y0, k->y1);
  *grow = 2 + k->width;
  switch (k->op) {
  case SC_TRIANGLE:
    b[0] = fminf(b[0], k->x2);
    b[1] = fminf(b[1], k->y2);
    b[2] = fmaxf(b[2], k->x2);
    b[3] = fmaxf(b[3], k->y2);
    return true;
  case SC_FILL_RECT: /* SDL fills at least a pixel each way */
  case SC_RECT:
  case SC_FILL_ROUND:
  case SC_ROUND:
  case SC_LINE:
  case SC_DASH:
    return true;
  default:
    return false;
  }
}

/* Whether nothing command k draws can show: the clip is empty, or k's box (grown for rounding
 * and stroke widths) misses it. A text's box is its measured width and a size more, and three
 * sizes down. False for commands that do not draw. */
static bool culled_in(sdlr *r, const scene_list *l, const scene_cmd *k, SDL_Rect clip) {
  float b[4], grow = 2;
  if (k->op == SC_TEXT) {
    b[0] = k->x0;
    b[1] = k->y0;
    b[2] = (float)r->target_w; /* until measured, below */
    b[3] = k->y0 + 3 * (float)k->size;
  } else if (!shape_box(k, b, &grow)) {
    return false;
  }
  float x0 = b[0], y0 = b[1], x1 = b[2], y1 = b[3];
  float cx0 = (float)clip.x, cx1 = (float)(clip.x + clip.w);
  float cy0 = (float)clip.y, cy1 = (float)(clip.y + clip.h);
  if (clip.w <= 0 || clip.h <= 0 || x0 - grow >= cx1 || y0 - grow >= cy1 || y1 + grow <= cy0)
    return true;
  if (k->op == SC_TEXT && x0 < cx0 && k->len < TEXT_MAX) {
    float w = 0, h = 0;
    sdlr_measure(r, k->face, (float)k->size, scene_cmd_text(l, k), k->len, &w, &h);
    x1 = k->x0 + w + (float)k->size;
  }
  return x1 + grow <= cx0;
}

static bool culled(sdlr *r, const scene_list *l, const scene_cmd *k) {
  return culled_in(r, l, k, clip_now(r));
}

/* ---- the background (direct) -------------------------------------------------------------
 * A frame begins with an opaque fill of all of it, and the panels' opaque fills then cover most of
 * it again. Drawing directly, the first fill leaves out the pixels that a later opaque fill at the
 * top level (no clip: the whole target) sets whatever was there: those pixels end the same, and
 * each frame writes a few megabytes less. */

enum {
  COVERS = 8,          /* the largest later fills the background leaves out, at most */
  COVER_MAX = 1 << 20, /* their edges within this many pixels of 0 (whole numbers as floats) */
};

/* The pixels of the target that command k, drawn at the top level, sets whatever was there: an
 * opaque rectangle's (fill_box), an opaque rounded rectangle's middle band and middle column
 * (fill_round's rectangles). Returns how many rectangles (0..2) it wrote to out. */
static int covered_by(const sdlr *r, const scene_cmd *k, SDL_Rect out[2]) {
  SDL_FRect f[2];
  int n = 0;
  if (k->color.a != 0xff || !(fabsf(k->x0) < COVER_MAX && fabsf(k->y0) < COVER_MAX &&
                              fabsf(k->x1) < COVER_MAX && fabsf(k->y1) < COVER_MAX))
    return 0;
  if (k->op == SC_FILL_RECT) {
    f[n++] = (SDL_FRect){k->x0, k->y0, k->x1 - k->x0, k->y1 - k->y0};
  } else if (k->op == SC_FILL_ROUND) {
    float b[4], rad;
    round_fill_box(k, b, &rad);
    if (rad < 1) {
      f[n++] = (SDL_FRect){b[0], b[1], b[2] - b[0], b[3] - b[1]};
    } else {
      f[n++] = (SDL_FRect){b[0], b[1] + rad, b[2] - b[0], b[3] - b[1] - 2 * rad};
      f[n++] = (SDL_FRect){b[0] + rad, b[1], b[2] - b[0] - 2 * rad, b[3] - b[1]};
    }
  }
  int m = 0;
  SDL_Rect whole = {0, 0, r->target_w, r->target_h};
  for (int i = 0; i < n; i++) { /* at least a pixel each way: fill_box's own size */
    SDL_Rect box = fill_box(f[i]);
    if (f[i].w >= 1 && f[i].h >= 1 && SDL_IntersectRect(&box, &whole, &out[m]))
      m++;
  }
  return m;
}

/* The largest rectangles later top-level opaque fills of list set (covered_by), at most COVERS;
 * the clip depth followed as clip_push and clip_pop follow it. */
static int covers(const sdlr *r, const scene_list *list, SDL_Rect *cover) {
  int n = 0, depth = 0;
  for (size_t i = 1; i < list->n; i++) {
    const scene_cmd *k = &list->cmds[i];
    if (k->op == SC_CLIP_PUSH && depth < CLIP_DEPTH)
      depth++;
    else if (k->op == SC_CLIP_POP && depth > 0)
      depth--;
    SDL_Rect got[2];
    int m = depth == 0 ? covered_by(r, k, got) : 0;
    for (int j = 0; j < m; j++) {
      if (n < COVERS) {
        cover[n++] = got[j];
        continue;
      }
      int small = 0; /* all in use: the smallest makes way for a larger one */
      for (int c = 1; c < COVERS; c++)
        if ((long)cover[c].w * cover[c].h < (long)cover[small].w * cover[small].h)
          small = c;
      if ((long)cover[small].w * cover[small].h < (long)got[j].w * got[j].h)
        cover[small] = got[j];
    }
  }
  return n;
}

/* Command 0 of list, an opaque fill of the whole target: drawn within `in` (the whole target, or a
 * damage rectangle) but where covers says later fills set the pixels (they draw in `in` too). False
 * when it could not be (no memory): then it is drawn whole. */
static bool background(sdlr *r, const scene_list *list, SDL_Rect in) {
  SDL_Surface *s = r->surface;
  if ((size_t)s->w > r->cap_row) {
    Uint32 *p = realloc(r->row, (size_t)s->w * sizeof *p);
    if (p == NULL)
      return false;
    r->row = p;
    r->cap_row = (size_t)s->w;
  }
  theme_color c = list->cmds[0].color;
  Uint32 v = 0xff000000u | (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
  for (int x = 0; x < s->w; x++)
    r->row[x] = v;
  SDL_Rect cover[COVERS];
  int n = covers(r, list, cover);
  for (int y = in.y; y < in.y + in.h; y++) {
    int from[COVERS], to[COVERS], m = 0; /* the covered runs of this row, by their start */
    for (int i = 0; i < n; i++) {
      if (y < cover[i].y || y >= cover[i].y + cover[i].h)
        continue;
      int j = m++;
      for (; j > 0 && from[j - 1] > cover[i].x; j--) {
        from[j] = from[j - 1];
        to[j] = to[j - 1];
      }
      from[j] = cover[i].x;
      to[j] = cover[i].x + cover[i].w;
    }
    Uint32 *out = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
    int x = in.x, right = in.x + in.w;
    for (int i = 0; i <= m; i++) {
      int end = i < m ? SDL_min(from[i], right) : right;
      if (end > x)
        memcpy(out + x, r->row + x, (size_t)(end - x) * sizeof *out);
      if (i < m && to[i] > x)
        x = to[i];
    }
  }
  return true;
}

/* Whether list begins with an opaque fill of the whole w x h frame (the scene's background). */
static bool covers_frame(const scene_list *list, int w, int h) {
  const scene_cmd *first = list->n > 0 ? &list->cmds[0] : NULL;
  return first != NULL && first->op == SC_FILL_RECT && first->color.a == 0xff && first->x0 <= 0 &&
         first->y0 <= 0 && first->x1 >= (float)w && first->y1 >= (float)h;
}

/* Replays list; within damage only when it is not NULL (then as if every clip were intersected
 * with it, and kept groups are drawn as any commands), leaving out the commands whose bit `at` is
 * clear in meets when meets is not NULL (damage_meets). */
static bool draw_list(sdlr *r, const scene_list *list, const SDL_Rect *damage,
                      const uint16_t *meets, int at) {
  bool ok = true;
  if (damage == NULL) /* the rectangles of a damage redraw are one frame, counted by the caller */
    r->frame++;
  if (r->surface != NULL) {
    r->target_w = r->surface->w;
    r->target_h = r->surface->h;
  } else if (SDL_GetRendererOutputSize(r->renderer, &r->target_w, &r->target_h) != 0) {
    r->target_w = r->target_h = 1 << 20; /* unknown: nothing is culled by it */
  }
  r->damage_mode = damage != NULL;
  r->clip_base = r->damage_mode ? 1 : 0;
  r->nclips = r->clip_base;
  if (damage != NULL)
    r->clips[0] = *damage;
  apply_clip(r);
  r->blend = SDL_BLENDMODE_BLEND;
  SDL_SetRenderDrawBlendMode(r->renderer, r->blend);
  size_t i = 0;
  SDL_Rect whole = {0, 0, r->target_w, r->target_h}, in = whole;
  if (r->direct && covers_frame(list, r->target_w, r->target_h) &&
      (damage == NULL || SDL_IntersectRect(damage, &whole, &in))) {
    SDL_RenderFlush(r->renderer);
    i = background(r, list, in) ? 1 : 0;
  }
  for (; i < list->n; i++) {
    const scene_cmd *k = &list->cmds[i];
    if ((meets != NULL && !(meets[i] >> at & 1u)) || culled(r, list, k))
      continue;
    switch (k->op) {
    case SC_FILL_RECT:
      fill_rect(r, k->x0, k->y0, k->x1, k->y1, k->color);
      break;
    case SC_RECT: {
      scene_cmd square = *k;
      square.radius = 0;
      stroke_round(r, &square);
      break;
    }
    case SC_FILL_ROUND:
      fill_round(r, k);
      break;
    case SC_ROUND:
      stroke_round(r, k);
      break;
    case SC_LINE:
      thick_line(r, k->x0, k->y0, k->x1, k->y1, k->width, k->color);
      break;
    case SC_DASH:
      dashed_line(r, k);
      break;
    case SC_TRIANGLE:
      triangle(r, k);
      break;
    case SC_TEXT:
      ok = draw_text(r, list, k) && ok;
      break;
    case SC_CLIP_PUSH:
      clip_push(r, k);
      break;
    case SC_CLIP_POP:
      clip_pop(r);
      break;
    case SC_KEEP_BEGIN:
      i = r->damage_mode ? keep_in_damage(r, list, i) : keep_begin(r, list, i);
      break;
    case SC_KEEP_END:
      if (!r->damage_mode)
        keep_end(r);
      break;
    }
  }
  r->kept.drawing = 0; /* (a damage redraw leaves r->kept as it was: it checks pixels anyway) */
  r->damage_mode = false;
  r->clip_base = 0;
  r->nclips = 0;
  SDL_RenderSetClipRect(r->renderer, NULL);
  if (r->nruns > RUN_LIMIT && damage == NULL) /* a damage redraw draws few of the texts shown */
    runs_trim(r);
  return ok;
}

bool sdlr_draw(sdlr *r, const scene_list *list) {
  r->prev.valid = false; /* the target holds another list now */
  return draw_list(r, list, NULL, NULL, 0);
}

/* ---- lifetime ----------------------------------------------------------------------------- */

static sdlr_status fail(sdlr_status st, char *err, size_t cap, const char *what, const char *why) {
  snprintf(err, cap, "%s: %s", what, why);
  return st;
}

static sdlr_status init_common(sdlr *r, const sdlr_fonts *fonts, char *err, size_t cap) {
  if (TTF_Init() != 0)
    return fail(SDLR_SDL_ERROR, err, cap, "SDL_ttf", TTF_GetError());
  r->ttf_open = true;
  r->runs = calloc(RUN_SLOTS, sizeof *r->runs);
  r->measures = calloc(MEASURE_SLOTS, sizeof *r->measures);
  r->digits = calloc(DIGIT_FONTS, sizeof *r->digits);
  if (r->runs == NULL || r->measures == NULL || r->digits == NULL)
    return fail(SDLR_NO_MEMORY, err, cap, "glyph cache", "out of memory");
  for (int i = 0; i < FACE__COUNT; i++) {
    snprintf(r->path[i], sizeof r->path[i], "%s", fonts->path[i]);
    TTF_Font *f = TTF_OpenFont(r->path[i], 12);
    if (f == NULL)
      return fail(SDLR_FONT_ERROR, err, cap, r->path[i], TTF_GetError());
    TTF_CloseFont(f);
  }
  return SDLR_OK;
}

sdlr_status sdlr_new(SDL_Renderer *renderer, const sdlr_fonts *fonts, sdlr **out, char *err,
                     size_t cap) {
  *out = NULL;
  sdlr *r = calloc(1, sizeof *r);
  if (r == NULL)
    return fail(SDLR_NO_MEMORY, err, cap, "renderer", "out of memory");
  r->renderer = renderer;
  sdlr_status st = init_common(r, fonts, err, cap);
  if (st != SDLR_OK) {
    sdlr_free(r);
    return st;
  }
  *out = r;
  return SDLR_OK;
}

/* Makes s (an ARGB8888 surface, freed on failure) r's target, with a software renderer on it. */
static sdlr_status attach(sdlr *r, SDL_Surface *s, char *err, size_t cap) {
  SDL_Renderer *ren = SDL_CreateSoftwareRenderer(s);
  if (ren == NULL) {
    SDL_FreeSurface(s);
    return fail(SDLR_SDL_ERROR, err, cap, "software renderer", SDL_GetError());
  }
  r->surface = s;
  r->renderer = ren;
  return SDLR_OK;
}

static sdlr_status make_target(sdlr *r, int w, int h, char *err, size_t cap) {
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (s == NULL)
    return fail(SDLR_SDL_ERROR, err, cap, "offscreen surface", SDL_GetError());
  return attach(r, s, err, cap);
}

/* Textures belong to a renderer: a new target needs the cache emptied first. */
static void drop_runs(sdlr *r) {
  for (size_t i = 0; i < RUN_SLOTS && r->runs != NULL; i++)
    if (r->runs[i].key != NULL && r->runs[i].key != tomb)
      run_drop(r, &r->runs[i]);
  if (r->runs != NULL)
    memset(r->runs, 0, RUN_SLOTS * sizeof *r->runs);
  r->nruns = 0;
}

/* Lets go of the target before a new one: its renderer (the runs' textures with it), its
 * surface (a view's alone: the pixels are not its) and the kept pixels. */
static void detach(sdlr *r) {
  drop_runs(r);
  r->kept.valid = false;
  r->prev.valid = false;
  if (r->renderer != NULL)
    SDL_DestroyRenderer(r->renderer);
  SDL_FreeSurface(r->surface);
  r->renderer = NULL;
  r->surface = NULL;
  r->view_of = NULL;
}

/* A view's target: an ARGB8888 surface over the pixels of of (the same layout: of is ARGB8888 or
 * RGB888, whose fourth byte is unused), which stay of's, and a software renderer on it. */
static sdlr_status make_view(sdlr *r, SDL_Surface *of, char *err, size_t cap) {
  Uint32 f = of->format->format;
  if ((f != SDL_PIXELFORMAT_ARGB8888 && f != SDL_PIXELFORMAT_RGB888) || SDL_MUSTLOCK(of) ||
      of->w <= 0 || of->h <= 0)
    return fail(SDLR_SDL_ERROR, err, cap, "view", "the surface is not 32-bit RGB");
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom(of->pixels, of->w, of->h, 32, of->pitch,
                                                      SDL_PIXELFORMAT_ARGB8888);
  if (s == NULL)
    return fail(SDLR_SDL_ERROR, err, cap, "view", SDL_GetError());
  sdlr_status st = attach(r, s, err, cap);
  r->view_of = st == SDLR_OK ? of : NULL;
  return st;
}

/* An sdlr with a software renderer of its own: on a w x h surface of its own, or (of not NULL) a
 * view of of's pixels. */
static sdlr_status new_software(SDL_Surface *of, int w, int h, const sdlr_fonts *fonts, sdlr **out,
                                char *err, size_t cap) {
  *out = NULL;
  sdlr *r = calloc(1, sizeof *r);
  if (r == NULL)
    return fail(SDLR_NO_MEMORY, err, cap, "renderer", "out of memory");
  r->own_renderer = true;
  r->is_view = of != NULL;
  sdlr_status st = init_common(r, fonts, err, cap);
  if (st == SDLR_OK)
    st = of != NULL ? make_view(r, of, err, cap) : make_target(r, w, h, err, cap);
  r->direct_ok = st == SDLR_OK && r->surface->format->format == SDL_PIXELFORMAT_ARGB8888 &&
                 !SDL_MUSTLOCK(r->surface) && direct_same();
  r->direct = r->direct_ok;
  if (st != SDLR_OK) {
    sdlr_free(r);
    return st;
  }
  *out = r;
  return SDLR_OK;
}

sdlr_status sdlr_new_offscreen(int w, int h, const sdlr_fonts *fonts, sdlr **out, char *err,
                               size_t cap) {
  *out = NULL;
  if (w <= 0 || h <= 0)
    return fail(SDLR_SDL_ERROR, err, cap, "offscreen surface", "size must be positive");
  return new_software(NULL, w, h, fonts, out, err, cap);
}

sdlr_status sdlr_new_view(SDL_Surface *of, const sdlr_fonts *fonts, sdlr **out, char *err,
                          size_t cap) {
  return new_software(of, 0, 0, fonts, out, err, cap);
}

sdlr_status sdlr_view_set(sdlr *r, SDL_Surface *of, char *err, size_t cap) {
  if (!r->is_view)
    return fail(SDLR_SDL_ERROR, err, cap, "view", "not a view");
  if (of == NULL)
    return fail(SDLR_SDL_ERROR, err, cap, "view", "no surface");
  if (of == r->view_of && of->pixels == r->surface->pixels && of->w == r->surface->w &&
      of->h == r->surface->h && of->pitch == r->surface->pitch)
    return SDLR_OK;
  detach(r);
  return make_view(r, of, err, cap); /* on failure the view draws nothing until set again */
}

SDL_Renderer *sdlr_renderer(const sdlr *r) { return r->renderer; }

sdlr_status sdlr_offscreen_resize(sdlr *r, int w, int h, char *err, size_t cap) {
  if (r->is_view)
    return fail(SDLR_SDL_ERROR, err, cap, "resize", "a view follows its surface (sdlr_view_set)");
  if (!r->own_renderer)
    return fail(SDLR_SDL_ERROR, err, cap, "resize", "not an offscreen renderer");
  if (r->surface->w == w && r->surface->h == h)
    return SDLR_OK;
  if (w <= 0 || h <= 0)
    return fail(SDLR_SDL_ERROR, err, cap, "offscreen surface", "size must be positive");
  detach(r);
  return make_target(r, w, h, err, cap);
}

bool sdlr_offscreen_direct(sdlr *r, bool on) {
  on = on && r->direct_ok;
  if (on != r->direct) {
    drop_runs(r); /* a run holds a texture or pixels of its own, as the way of drawing wants */
    r->direct = on;
    r->prev.valid = false;
  }
  return r->direct;
}

/* The list drawn into the surface whole; *ok false when some text could not be drawn. */
static void render_full(sdlr *r, const scene_list *list, bool *ok) {
  /* A frame begins with an opaque fill of all of it (the scene's background): clearing first would
   * write every pixel twice. */
  if (!covers_frame(list, r->surface->w, r->surface->h)) {
    SDL_SetRenderDrawColor(r->renderer, 0, 0, 0, 0xff);
    SDL_RenderClear(r->renderer);
  }
  *ok = sdlr_draw(r, list);
  SDL_RenderPresent(r->renderer); /* the software renderer flushes its queue into the surface */
}

SDL_Surface *sdlr_render_offscreen(sdlr *r, const scene_list *list) {
  if (!r->own_renderer || r->surface == NULL) /* a window's, or a view without its surface */
    return NULL;
  bool ok;
  render_full(r, list, &ok);
  return r->surface;
}

/* ---- damage redraw -----------------------------------------------------------------------
 * A surface that keeps its pixels from frame to frame (a window's) need not be drawn whole: where
 * no command of the last frame or of this one differs, the pixels are the same. The software paths
 * sdlr draws with (direct_fill, direct_text, direct_shape, and SDL's blitter under the last two)
 * are deterministic, write nothing outside the clip, and give a pixel inside the clip the same
 * value whatever the clip (their positions, edge functions and dashes are worked out from the
 * command alone; culling leaves out only commands with nothing in the clip). So a pixel that no
 * unmatched command's box touches is drawn by the same commands in the same order, from the
 * background up, in both frames: it is unchanged. The damage is drawn by replaying the whole new
 * list in each damage rectangle, the rectangle under every clip, so every pixel in it comes out
 * as a full draw makes it. Shapes too far out for direct_shape go to SDL's SDL_SW_FillTriangle,
 * which is as exact: its edge functions are linear, computed at the clipped box's first pixel and
 * stepped in int arithmetic that wraps alike from any start, so each pixel gets the same value
 * whatever the clip. Without direct drawing (another SDL) nothing is drawn by damage, and a text or
 * rectangle that went to SDL's renderer or failed to draw makes it draw everything. */

/* h with 64 more bits mixed in. */
static uint64_t mix64(uint64_t h, uint64_t v) {
  h = (h ^ v) * 0x9e3779b97f4a7c15u;
  return h ^ (h >> 29);
}

/* The key of command k of l, drawn in clip: its fields and its clip two words at a time, its text
 * eight bytes at a time. */
static uint32_t cmd_hash(const scene_list *l, const scene_cmd *k, SDL_Rect clip) {
  uint32_t w[18] = {(uint32_t)k->op,  (uint32_t)k->face, (uint32_t)k->size, (uint32_t)clip.x,
                    (uint32_t)clip.y, (uint32_t)clip.w,  (uint32_t)clip.h};
  const float f[10] = {k->x0, k->y0,    k->x1,     k->y1,   k->x2,
                       k->y2, k->width, k->radius, k->dash, k->gap};
  memcpy(&w[7], &k->color, sizeof k->color);
  memcpy(&w[8], f, sizeof f);
  uint64_t h = 0xcbf29ce484222325u;
  for (int i = 0; i < 18; i += 2)
    h = mix64(h, (uint64_t)w[i] | (uint64_t)w[i + 1] << 32);
  if (k->op == SC_TEXT) {
    const char *t = scene_cmd_text(l, k);
    size_t n = k->len, at = 0;
    for (; at + 8 <= n; at += 8) {
      uint64_t v;
      memcpy(&v, t + at, 8);
      h = mix64(h, v);
    }
    uint64_t last = n - at; /* the rest, and the length: "ab" and "ab\0" differ */
    for (size_t i = at; i < n; i++)
      last = last << 8 | (unsigned char)t[i];
    h = mix64(h, last);
  }
  return (uint32_t)(h ^ h >> 32);
}

/* Whether two commands (of lists la and lb) draw the same, their texts and clips included. */
static bool cmd_same(const scene_list *la, const scene_cmd *a, const cmd_key *ka,
                     const scene_list *lb, const scene_cmd *b, const cmd_key *kb) {
  if (ka->hash != kb->hash || !SDL_RectEquals(&ka->clip, &kb->clip) || !same_fields(a, b))
    return false;
  return a->op != SC_TEXT || memcmp(scene_cmd_text(la, a), scene_cmd_text(lb, b), a->len) == 0;
}

/* Each command's key, its clip followed as draw_list follows it in a full draw of a w x h target.
 * False when memory ran out. */
static bool list_keys(const scene_list *l, int w, int h, cmd_key **keys, size_t *cap) {
  if (!grow_to((void **)keys, cap, l->n, sizeof **keys))
    return false;
  SDL_Rect stack[CLIP_DEPTH], whole = {0, 0, w, h};
  int depth = 0;
  for (size_t i = 0; i < l->n; i++) {
    const scene_cmd *k = &l->cmds[i];
    if (k->op == SC_CLIP_PUSH) { /* as clip_push */
      SDL_Rect want = {(int)floorf(k->x0), (int)floorf(k->y0), 0, 0};
      want.w = SDL_max((int)ceilf(k->x1) - want.x, 0);
      want.h = SDL_max((int)ceilf(k->y1) - want.y, 0);
      SDL_Rect got = want;
      if (depth > 0 && !SDL_IntersectRect(&want, &stack[depth - 1], &got))
        got = (SDL_Rect){want.x, want.y, 0, 0};
      if (depth < CLIP_DEPTH)
        stack[depth++] = got;
    } else if (k->op == SC_CLIP_POP && depth > 0) {
      depth--;
    }
    SDL_Rect clip = whole; /* as clip_now */
    if (depth > 0 && !SDL_IntersectRect(&stack[depth - 1], &whole, &clip))
      clip = (SDL_Rect){0, 0, 0, 0};
    (*keys)[i] = (cmd_key){cmd_hash(l, k, clip), clip};
  }
  return true;
}

/* Box b (x0, y0, x1, y1) grown by grow each way, within clip, in whole pixels: 1 with *out set, 0
 * when empty (then culled_in finds such a box outside any part of clip; else *out meets every part
 * of clip culled_in finds it in), -1 when b is not a box (reversed, not numbers). */
static int box_within(const float b[4], float grow, SDL_Rect clip, SDL_Rect *out) {
  float x0 = b[0], y0 = b[1], x1 = b[2], y1 = b[3];
  if (!(x0 <= x1 && y0 <= y1 && grow == grow))
    return -1;
  float cx0 = (float)clip.x, cy0 = (float)clip.y;
  float cx1 = (float)(clip.x + clip.w), cy1 = (float)(clip.y + clip.h);
  x0 = fmaxf(x0 - grow, cx0);
  y0 = fmaxf(y0 - grow, cy0);
  x1 = fminf(x1 + grow, cx1);
  y1 = fminf(y1 + grow, cy1);
  if (x0 >= x1 || y0 >= y1)
    return 0;
  out->x = (int)floorf(x0);
  out->y = (int)floorf(y0);
  out->w = (int)ceilf(x1) - out->x;
  out->h = (int)ceilf(y1) - out->y;
  return 1;
}

/* The pixels command k of l can change, drawn in clip: 1 with *out set, 0 for none, -1 when that
 * cannot be told (a text that cannot be drawn now, coordinates that are not numbers). */
static int cmd_box(sdlr *r, const scene_list *l, const scene_cmd *k, SDL_Rect clip, SDL_Rect *out) {
  float b[4], grow = 2;
  if (k->op == SC_TEXT) { /* the run's ink where draw_text puts it */
    if (culled_in(r, l, k, clip)) /* left out in clip, and so in any part of it */
      return 0;
    run *e = run_get(r, k->face, k->size, scene_cmd_text(l, k), k->len);
    if (e == NULL)
      return -1;
    if (e->w == 0 || (e->ink == NULL && e->texture == NULL))
      return 0;
    b[0] = k->x0 + (float)e->dx;
    b[1] = k->y0 + (float)e->dy;
    b[2] = b[0] + (float)e->w;
    b[3] = b[1] + (float)e->h;
  } else if (!shape_box(k, b, &grow)) {
    return 0;
  }
  return box_within(b, grow, clip, out);
}

/* The pixels command k can change drawn in clip as culled_in bounds them, without measuring (a
 * text reaches the clip's right edge): 1 with *out set, 0 for none (culled_in leaves it out of
 * any part of clip), -1 when that cannot be told. Commands that do not draw reach nothing. */
static int cmd_reach(const scene_cmd *k, SDL_Rect clip, SDL_Rect *out) {
  float b[4], grow = 2;
  if (k->op == SC_TEXT) {
    b[0] = k->x0;
    b[1] = k->y0;
    b[2] = (float)(clip.x + clip.w);
    b[3] = k->y0 + 3 * (float)k->size;
  } else if (!shape_box(k, b, &grow)) {
    return 0;
  }
  return box_within(b, grow, clip, out);
}

/* Per command of list (keys), in r->meets, which of the n damage rectangles d it may draw in: the
 * rectangles its reach (cmd_reach) meets, every one for a command that changes the clip or begins
 * or ends a kept group. Where a bit is clear, culled_in would leave the command out of that
 * rectangle (its clip within the rectangle is within its clip in a full draw, which keys hold), so
 * a damage redraw leaves it out without asking. False when memory ran out. */
static bool damage_meets(sdlr *r, const scene_list *list, const cmd_key *keys, const SDL_Rect *d,
                         int n) {
  if (!grow_to((void **)&r->meets, &r->cap_meets, list->n, sizeof *r->meets))
    return false;
  uint16_t all = (uint16_t)((1u << n) - 1);
  for (size_t i = 0; i < list->n; i++) {
    const scene_cmd *k = &list->cmds[i];
    SDL_Rect b;
    int got = k->op == SC_CLIP_PUSH || k->op == SC_CLIP_POP || k->op == SC_KEEP_BEGIN ||
                      k->op == SC_KEEP_END
                  ? -1
                  : cmd_reach(k, keys[i].clip, &b);
    uint16_t m = got < 0 ? all : 0;
    for (int j = 0; j < n && got > 0; j++) /* b and d[j] are not empty: they meet or not */
      if (b.x < d[j].x + d[j].w && d[j].x < b.x + b.w && b.y < d[j].y + d[j].h &&
          d[j].y < b.y + b.h)
        m |= (uint16_t)(1u << j);
    r->meets[i] = m;
  }
  return true;
}

static long rect_area(SDL_Rect a) { return (long)a.w * a.h; }

/* Adds box b to the damage rectangles (*n of them, at most DAMAGE_RECTS): joined to one it
 * overlaps or nearly touches, else a new one, else joined to the one it grows least; rectangles
 * that then overlap are joined. */
static void damage_add(SDL_Rect *d, int *n, SDL_Rect b) {
  SDL_Rect near = {b.x - DAMAGE_NEAR, b.y - DAMAGE_NEAR, b.w + 2 * DAMAGE_NEAR,
                   b.h + 2 * DAMAGE_NEAR};
  int at = -1;
  for (int i = 0; i < *n && at < 0; i++)
    if (SDL_HasIntersection(&d[i], &near))
      at = i;
  if (at < 0 && *n < DAMAGE_RECTS) {
    d[(*n)++] = b;
    return;
  }
  if (at < 0) {
    long best = 0;
    for (int i = 0; i < *n; i++) {
      SDL_Rect u;
      SDL_UnionRect(&d[i], &b, &u);
      long grow = rect_area(u) - rect_area(d[i]);
      if (at < 0 || grow < best) {
        at = i;
        best = grow;
      }
    }
  }
  SDL_UnionRect(&d[at], &b, &d[at]);
  for (bool joined = true; joined;) {
    joined = false;
    for (int i = 0; i < *n; i++) {
      if (i == at || !SDL_HasIntersection(&d[i], &d[at]))
        continue;
      SDL_UnionRect(&d[at], &d[i], &d[at]);
      d[i] = d[--(*n)];
      if (at == *n)
        at = i;
      joined = true;
      break;
    }
  }
}

/* Whether rectangle a lies within one of the damage rectangles d (n of them). */
static bool damaged(SDL_Rect a, const SDL_Rect *d, int n) {
  for (int i = 0; i < n; i++)
    if (a.x >= d[i].x && a.y >= d[i].y && a.x + a.w <= d[i].x + d[i].w &&
        a.y + a.h <= d[i].y + d[i].h)
      return true;
  return false;
}

/* The rectangles of a that are not in b (up to 4, written to out): their number. */
static int rect_minus(SDL_Rect a, SDL_Rect b, SDL_Rect out[4]) {
  SDL_Rect in;
  if (!SDL_IntersectRect(&a, &b, &in)) {
    out[0] = a;
    return a.w > 0 && a.h > 0;
  }
  int n = 0;
  if (in.y > a.y) /* above, the whole width */
    out[n++] = (SDL_Rect){a.x, a.y, a.w, in.y - a.y};
  if (in.y + in.h < a.y + a.h) /* below */
    out[n++] = (SDL_Rect){a.x, in.y + in.h, a.w, a.y + a.h - in.y - in.h};
  if (in.x > a.x) /* left of it, its rows */
    out[n++] = (SDL_Rect){a.x, in.y, in.x - a.x, in.h};
  if (in.x + in.w < a.x + a.w) /* right of it */
    out[n++] = (SDL_Rect){in.x + in.w, in.y, a.x + a.w - in.x - in.w, in.h};
  return n;
}

/* The pixels fill rectangle k sets in clip, as fill_rect and direct_fill set them; false when k is
 * not a fill or its edges are too far out to be sure of. */
static bool fill_pixels(const scene_cmd *k, SDL_Rect clip, SDL_Rect *out) {
  if (k->op != SC_FILL_RECT || !(fabsf(k->x0) < MOVED_MAX && fabsf(k->y0) < MOVED_MAX &&
                                 fabsf(k->x1) < MOVED_MAX && fabsf(k->y1) < MOVED_MAX))
    return false;
  SDL_Rect box = fill_box((SDL_FRect){k->x0, k->y0, k->x1 - k->x0, k->y1 - k->y0});
  if (!SDL_IntersectRect(&box, &clip, out))
    *out = (SDL_Rect){0, 0, 0, 0};
  return true;
}

/* Command a of the last frame replaced by b in this one, both fills of one colour in one clip
 * (the timeline's veil as the playhead moves): at a pixel both set, each sets it the same way over
 * the same pixel below, so only the pixels one sets and the other does not can change. Those, up
 * to 8 rectangles, to out; -1 when a and b are not such a pair. */
static int fill_moved(const scene_cmd *a, const cmd_key *ka, const scene_cmd *b, const cmd_key *kb,
                      SDL_Rect out[8]) {
  SDL_Rect pa, pb;
  if (a->op != SC_FILL_RECT || b->op != SC_FILL_RECT ||
      memcmp(&a->color, &b->color, sizeof a->color) != 0 || !SDL_RectEquals(&ka->clip, &kb->clip) ||
      !fill_pixels(a, ka->clip, &pa) || !fill_pixels(b, kb->clip, &pb))
    return -1;
  int n = rect_minus(pa, pb, out);
  return n + rect_minus(pb, pa, out + n);
}

/* Indexes n keys; false when memory ran out. */
static bool index_keys(key_index *x, const cmd_key *keys, size_t n) {
  size_t buckets = 64;
  while (buckets < 2 * n)
    buckets *= 2;
  if (!grow_to((void **)&x->head, &x->cap_buckets, buckets, sizeof *x->head) ||
      !grow_to((void **)&x->next, &x->cap_next, n, sizeof *x->next))
    return false;
  x->mask = buckets - 1;
  memset(x->head, 0xff, buckets * sizeof *x->head);
  for (size_t i = n; i-- > 0;) {
    size_t b = keys[i].hash & x->mask;
    x->next[i] = x->head[b];
    x->head[b] = i;
  }
  return true;
}

/* The first command from index `from` on of list l (keys, index x) that is the same as command k
 * of list lk, or SIZE_MAX when none is near enough to be found. */
static size_t match_from(const key_index *x, const scene_list *l, const cmd_key *keys, size_t from,
                         const scene_list *lk, const scene_cmd *k, const cmd_key *kk) {
  size_t i = x->head[kk->hash & x->mask];
  for (int walked = 0; i != SIZE_MAX && walked < DAMAGE_WALK; i = x->next[i], walked++)
    if (i >= from && cmd_same(l, &l->cmds[i], &keys[i], lk, k, kk))
      return i;
  return SIZE_MAX;
}

/* The damage of the new list against the last frame's, in d (*n rectangles); false when it cannot
 * be told or is most of the frame (then everything is drawn). */
static bool damage_find(sdlr *r, const scene_list *now, const cmd_key *keys, SDL_Rect *d, int *n) {
  const prev_frame *p = &r->prev;
  const scene_list *was = &p->list;
  *n = 0;
  if (!index_keys(&r->index_old, p->keys, was->n) || !index_keys(&r->index_new, keys, now->n))
    return false;
  size_t i = 0, j = 0;
  while (i < was->n || j < now->n) {
    const scene_cmd *a = i < was->n ? &was->cmds[i] : NULL;
    const scene_cmd *b = j < now->n ? &now->cmds[j] : NULL;
    if (a != NULL && b != NULL && cmd_same(was, a, &p->keys[i], now, b, &keys[j])) {
      i++;
      j++;
      continue;
    }
    /* the nearer match ahead: old commands dropped, or new ones put in, or both changed (a fill
     * moved, or any two commands) */
    size_t drop = 0, put = 0;
    SDL_Rect part[8];
    int moved;
    size_t ia =
        b != NULL ? match_from(&r->index_old, was, p->keys, i + 1, now, b, &keys[j]) : SIZE_MAX;
    size_t jb =
        a != NULL ? match_from(&r->index_new, now, keys, j + 1, was, a, &p->keys[i]) : SIZE_MAX;
    if (ia != SIZE_MAX && (jb == SIZE_MAX || ia - i <= jb - j))
      drop = ia - i;
    else if (jb != SIZE_MAX)
      put = jb - j;
    else if (a != NULL && b != NULL &&
             (moved = fill_moved(a, &p->keys[i], b, &keys[j], part)) >= 0) {
      for (int k = 0; k < moved; k++)
        damage_add(d, n, part[k]);
      i++;
      j++;
      continue;
    } else {
      drop = a != NULL ? 1 : 0;
      put = b != NULL ? 1 : 0;
    }
    for (size_t k = 0; k < drop; k++, i++) {
      SDL_Rect box;
      if (damaged(p->keys[i].clip, d, *n)) /* all it can change is in already */
        continue;
      int got = cmd_box(r, was, &was->cmds[i], p->keys[i].clip, &box);
      if (got < 0)
        return false;
      if (got > 0)
        damage_add(d, n, box);
    }
    for (size_t k = 0; k < put; k++, j++) {
      SDL_Rect box;
      if (damaged(keys[j].clip, d, *n))
        continue;
      int got = cmd_box(r, now, &now->cmds[j], keys[j].clip, &box);
      if (got < 0)
        return false;
      if (got > 0)
        damage_add(d, n, box);
    }
  }
  long area = 0;
  for (int k = 0; k < *n; k++)
    area += rect_area(d[k]);
  return area * 100 <= (long)r->surface->w * r->surface->h * DAMAGE_PERCENT;
}

/* Keeps a copy of list and its keys (swapped in from *keys) as the frame the surface holds. */
static bool prev_keep(prev_frame *p, const scene_list *list, cmd_key **keys, size_t *cap_keys) {
  scene_list *c = &p->list;
  p->valid = false;
  if (!grow_to((void **)&c->cmds, &c->cap, list->n, sizeof *c->cmds) ||
      !grow_to((void **)&c->pool, &c->pool_cap, list->pool_len, 1))
    return false;
  if (list->n > 0)
    memcpy(c->cmds, list->cmds, list->n * sizeof *c->cmds);
  if (list->pool_len > 0)
    memcpy(c->pool, list->pool, list->pool_len);
  c->n = list->n;
  c->pool_len = list->pool_len;
  cmd_key *t = p->keys;
  size_t tc = p->cap_keys;
  p->keys = *keys;
  p->cap_keys = *cap_keys;
  *keys = t;
  *cap_keys = tc;
  p->valid = true;
  return true;
}

SDL_Surface *sdlr_render_damage(sdlr *r, const scene_list *list, SDL_Rect *rects, int cap,
                                int *nrects) {
  *nrects = 0;
  if (!r->own_renderer || r->surface == NULL)
    return NULL;
  SDL_Surface *s = r->surface;
  SDL_Rect whole = {0, 0, s->w, s->h}, d[DAMAGE_RECTS];
  r->target_w = s->w; /* as draw_list finds it, for culled_in */
  r->target_h = s->h;
  int n = 0;
  bool covered = covers_frame(list, s->w, s->h);
  bool keyed = !list->oom && list_keys(list, s->w, s->h, &r->keys_new, &r->cap_keys_new);
  bool damage = keyed && covered && r->direct && r->prev.valid && r->prev.w == s->w &&
                r->prev.h == s->h && cap > 0 && damage_find(r, list, r->keys_new, d, &n);
  bool ok = true;
  if (damage) {
    r->fell_back = false;
    r->frame++;
    bool masked = damage_meets(r, list, r->keys_new, d, n);
    for (int i = 0; i < n && ok; i++)
      ok = draw_list(r, list, &d[i], masked ? r->meets : NULL, i);
    SDL_RenderPresent(r->renderer);
    damage = ok && !r->fell_back;
  }
  if (!damage) {
    n = 0;
    render_full(r, list, &ok);
    d[n++] = whole;
  }
  r->prev.w = s->w;
  r->prev.h = s->h;
  if (!(ok && keyed && prev_keep(&r->prev, list, &r->keys_new, &r->cap_keys_new)))
    r->prev.valid = false; /* the next frame is drawn whole */
  while (n > cap) {        /* more than the caller takes: joined */
    SDL_UnionRect(&d[n - 2], &d[n - 1], &d[n - 2]);
    n--;
  }
  memcpy(rects, d, (size_t)n * sizeof *d);
  *nrects = n;
  return s;
}

sdlr_status sdlr_save_png(SDL_Surface *s, const char *path, char *err, size_t cap) {
  char tmp[4096 + 32];
  int n = snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= sizeof tmp)
    return fail(SDLR_IO_ERROR, err, cap, path, "path too long");
  char msg[256];
  if (pngw_save(s, tmp, msg, sizeof msg) != PNGW_OK)
    return fail(SDLR_IO_ERROR, err, cap, path, msg);
  if (rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    return fail(SDLR_IO_ERROR, err, cap, path, strerror(e));
  }
  return SDLR_OK;
}

void sdlr_free(sdlr *r) {
  if (r == NULL)
    return;
  drop_runs(r);
  kept_free(&r->kept);
  free(r->prev.list.cmds);
  free(r->prev.list.pool);
  free(r->prev.keys);
  free(r->keys_new);
  free(r->meets);
  free(r->index_old.head);
  free(r->index_old.next);
  free(r->index_new.head);
  free(r->index_new.next);
  SDL_FreeSurface(r->scratch);
  free(r->row);
  free(r->runs);
  free(r->measures);
  free(r->digits);
  for (int i = 0; i < FONT_SLOTS; i++)
    if (r->fonts[i].font != NULL)
      TTF_CloseFont(r->fonts[i].font);
  if (r->own_renderer) {
    if (r->renderer != NULL)
      SDL_DestroyRenderer(r->renderer);
    if (r->surface != NULL)
      SDL_FreeSurface(r->surface);
  }
  if (r->ttf_open)
    TTF_Quit();
  free(r);
}
