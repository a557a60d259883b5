/* For the window tests (test_app, test_app_x11): the window's surface against the export's frame
 * of the same scene list. */
#ifndef LOOPVIZ_TEST_WINDOW_FRAME_H
#define LOOPVIZ_TEST_WINDOW_FRAME_H

#include "sdlr.h"

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

/* The pixels (colour only, alpha aside) in which win differs from list drawn offscreen at its size
 * (SIZE_MAX when that cannot be drawn), and in *inked how many differ from win's first pixel. */
static inline size_t window_frame_differs(SDL_Surface *win, const scene_list *list, size_t *inked) {
  char store[FACE__COUNT][4096], err[256];
  sdlr_fonts fonts;
  sdlr *r = NULL;
  *inked = 0;
  if (sdlr_find_fonts(NULL, store, &fonts, err, sizeof err) != SDLR_OK ||
      sdlr_new_offscreen(win->w, win->h, &fonts, &r, err, sizeof err) != SDLR_OK)
    return SIZE_MAX;
  SDL_Surface *off = sdlr_render_offscreen(r, list);
  size_t differ = off == NULL ? SIZE_MAX : 0;
  for (int y = 0; off != NULL && y < win->h; y++) {
    const Uint32 *a = (const Uint32 *)((const Uint8 *)win->pixels + (size_t)y * (size_t)win->pitch);
    const Uint32 *b = (const Uint32 *)((const Uint8 *)off->pixels + (size_t)y * (size_t)off->pitch);
    for (int x = 0; x < win->w; x++) {
      differ += (a[x] & 0xffffff) != (b[x] & 0xffffff);
      *inked += (a[x] & 0xffffff) != (a[0] & 0xffffff);
    }
  }
  sdlr_free(r);
  return differ;
}

/* The keys the window tests press between frames, each followed by a frame compared with the
 * export's: stepping both ways, jumping to either end, the help over the frame and away, another
 * theme, zoom in and out (the soft window redraws only what changed from the frame before, so
 * each frame builds on the last). */
static const SDL_Keycode window_frame_keys[] = {
    SDLK_HOME, SDLK_RIGHT, SDLK_RIGHT, SDLK_RIGHT, SDLK_LEFT,  SDLK_END,      SDLK_LEFT, SDLK_h,
    SDLK_h,    SDLK_t,     SDLK_RIGHT, SDLK_PLUS,  SDLK_MINUS, SDLK_PAGEDOWN, SDLK_HOME, SDLK_END};

#endif
