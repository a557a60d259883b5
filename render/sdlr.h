/* sdlr: the SDL backend. It replays a scene's display list on an SDL_Renderer: rectangles and
 * lines as SDL_RenderGeometry triangles, text through SDL_ttf with a cache of rendered glyph
 * runs, so a frame re-rasterises only text it has not drawn recently.
 *
 * Three kinds of target:
 *   - a window's renderer (sdlr_new), used by the app on an accelerated renderer;
 *   - a window's own surface (sdlr_new_view), drawn as offscreen: the app on a machine whose SDL
 *     renderer would be the software one;
 *   - an offscreen surface drawn by SDL's software renderer (sdlr_new_offscreen), which needs no
 *     display at all. sdlr_render_offscreen draws one display list into it and hands back the
 *     surface; sdlr_save_png writes a surface as PNG. Frame export renders every frame this way,
 *     reusing one offscreen sdlr, so fonts and glyph runs are opened once for the whole export;
 *     the software renderer is deterministic, so the same list gives the same bytes.
 *
 * The sdlr also measures text (sdlr_measure, a layout_measure_fn), with the very fonts it draws
 * with, so layout and scene place text exactly where it lands. */
#ifndef LOOPVIZ_SDLR_H
#define LOOPVIZ_SDLR_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#include "layout.h"
#include "scene.h"

typedef struct sdlr sdlr; /* opaque; only sdlr.c sees inside */

typedef enum sdlr_status {
  SDLR_OK = 0,         /* done */
  SDLR_FONT_ERROR = 1, /* a font file could not be opened */
  SDLR_SDL_ERROR = 2,  /* SDL or SDL_ttf failed (message in err) */
  SDLR_NO_MEMORY = 3,  /* an allocation failed */
  SDLR_IO_ERROR = 4,   /* the PNG could not be written */
} sdlr_status;

/* Font files for each layout_face (sans, sans bold, mono). */
typedef struct sdlr_fonts {
  const char *path[FACE__COUNT]; /* file of each face */
} sdlr_fonts;

/* Finds the fonts through fontconfig (render/font.h), or uses override for every face. Paths
 * are written into store (FACE__COUNT buffers of cap bytes) and pointed to by *out. */
sdlr_status sdlr_find_fonts(const char *override, char store[][4096], sdlr_fonts *out, char *err,
                            size_t cap);

/* Draws on an existing renderer (a window's). The renderer must outlive the sdlr. */
sdlr_status sdlr_new(SDL_Renderer *renderer, const sdlr_fonts *fonts, sdlr **out, char *err,
                     size_t cap);

/* Draws into its own w x h surface with the software renderer; no display needed. */
sdlr_status sdlr_new_offscreen(int w, int h, const sdlr_fonts *fonts, sdlr **out, char *err,
                               size_t cap);

/* Draws into the pixels of another surface (a window's, from SDL_GetWindowSurface), as an
 * offscreen sdlr draws into its own, through an ARGB8888 view of them: of must be ARGB8888 or
 * RGB888 (the same bytes, the fourth unused). The pixels stay of's; the frame is drawn by
 * sdlr_render_offscreen and shown by the caller (SDL_UpdateWindowSurface). */
sdlr_status sdlr_new_view(SDL_Surface *of, const sdlr_fonts *fonts, sdlr **out, char *err,
                          size_t cap);

/* A view: follows of (the window's surface, which SDL replaces when the window's size changes);
 * a no-op when it is the surface in use. On failure the view draws nothing until set again. */
sdlr_status sdlr_view_set(sdlr *r, SDL_Surface *of, char *err, size_t cap);

/* The renderer the sdlr draws with (an offscreen sdlr's or a view's own: valid until the next
 * sdlr_offscreen_resize or sdlr_view_set). */
SDL_Renderer *sdlr_renderer(const sdlr *r);

/* Frees the sdlr, its fonts and cached textures (not a borrowed renderer). Accepts NULL. */
void sdlr_free(sdlr *r);

/* A layout_measure_fn: user is the sdlr. Width and line height in pixels of text at size. */
void sdlr_measure(void *user, layout_face face, float size, const char *text, size_t len, float *w,
                  float *h);

/* Replays the list on the renderer (no clear, no present). Returns false if some text could not
 * be drawn (the rest is drawn anyway). */
bool sdlr_draw(sdlr *r, const scene_list *list);

/* Offscreen: resizes the surface (a no-op at the same size). */
sdlr_status sdlr_offscreen_resize(sdlr *r, int w, int h, char *err, size_t cap);

/* Offscreen: draws the list into the surface and returns it (owned by the sdlr, valid until the
 * next call). NULL for a window sdlr. */
SDL_Surface *sdlr_render_offscreen(sdlr *r, const scene_list *list);

/* Offscreen or a view, a surface that keeps its pixels between frames (a window's): draws the list
 * as sdlr_render_offscreen does, to the same bytes, but where the surface still holds the last
 * list drawn this way, only where the two lists differ: each command of either not matched, in
 * order, by the very same command (text and clip included) of the other marks its box as changed
 * (a fill replaced by a fill of its colour in its clip, only the pixels one of them sets and the
 * other does not), and the whole list is replayed within a few rectangles around those boxes.
 * Writes the rectangles drawn (what to show: SDL_UpdateWindowSurfaceRects) to rects, at most cap of
 * them, and their number to *nrects (0: nothing changed); the whole surface when it drew everything
 * (the first frame, a new size or surface, most of the frame changed, anything it cannot be sure
 * of). Any other drawing into the sdlr makes the next frame whole. NULL for a window sdlr. */
SDL_Surface *sdlr_render_damage(sdlr *r, const scene_list *list, SDL_Rect *rects, int cap,
                                int *nrects);

/* Offscreen: whether sdlr draws text, rectangles, rounded boxes, outlines and triangles into the
 * surface itself (the default where its probe found SDL's very pixels: several times faster than
 * SDL's software renderer) or through SDL. The pixels are the same either way. Returns whether it
 * now does. */
bool sdlr_offscreen_direct(sdlr *r, bool on);

/* Writes a surface as PNG: to a temporary file beside path, then renamed over it, so a reader
 * never sees half a file. */
sdlr_status sdlr_save_png(SDL_Surface *s, const char *path, char *err, size_t cap);

/* Glyph runs currently cached (for tests and statistics). */
size_t sdlr_cached_runs(const sdlr *r);

#endif
