/* pngw: fast PNG files through libpng. See pngw.h. */
#include "pngw.h"

#include <errno.h>
#include <stdbool.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum {
  PNGW_LEVEL = 1 /* zlib's fastest level: frames are flat colour, it loses little */
};

/* libpng reports errors through a longjmp back into pngw_write; the message is kept here. */
typedef struct pngw_ctx {
  char *err;  /* where a failure is explained */
  size_t cap; /* its bytes */
} pngw_ctx;

static void on_error(png_structp png, png_const_charp msg) {
  pngw_ctx *c = png_get_error_ptr(png);
  snprintf(c->err, c->cap, "%s", msg);
  png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
  (void)png;
  (void)msg; /* warnings (none expected for a plain RGBA image) do not stop the write */
}

/* The libpng transforms that turn rows of format into RGBA bytes, or false when format is not a
 * 32-bit RGBA order. */
static bool transforms(Uint32 format, bool *bgr, bool *alpha_first) {
  switch (format) {
  case SDL_PIXELFORMAT_RGBA32:
    *bgr = false, *alpha_first = false;
    return true;
  case SDL_PIXELFORMAT_BGRA32:
    *bgr = true, *alpha_first = false;
    return true;
  case SDL_PIXELFORMAT_ARGB32:
    *bgr = false, *alpha_first = true;
    return true;
  case SDL_PIXELFORMAT_ABGR32:
    *bgr = true, *alpha_first = true;
    return true;
  default:
    return false;
  }
}

/* Writes the locked surface s to f as 8-bit RGB, its alpha bytes left out (libpng's filler); the
 * setjmp target for libpng's errors. */
static bool write_rows(FILE *f, SDL_Surface *s, bool bgr, bool alpha_first, pngw_ctx *c) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, c, on_error, on_warning);
  if (png == NULL) {
    snprintf(c->err, c->cap, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == NULL) {
    png_destroy_write_struct(&png, NULL);
    snprintf(c->err, c->cap, "out of memory");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, f);
  png_set_compression_level(png, PNGW_LEVEL);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_IHDR(png, info, (png_uint_32)s->w, (png_uint_32)s->h, 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
  png_write_info(png, info);
  if (bgr)
    png_set_bgr(png);
  png_set_filler(png, 0, alpha_first ? PNG_FILLER_BEFORE : PNG_FILLER_AFTER);
  for (int y = 0; y < s->h; y++)
    png_write_row(png, (png_const_bytep)s->pixels + (size_t)y * (size_t)s->pitch);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  return true;
}

pngw_status pngw_save(SDL_Surface *s, const char *path, char *err, size_t cap) {
  bool bgr = false, alpha_first = false;
  SDL_Surface *conv = NULL;
  if (!transforms(s->format->format, &bgr, &alpha_first)) {
    conv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGBA32, 0);
    if (conv == NULL) {
      snprintf(err, cap, "out of memory");
      return PNGW_NO_MEMORY;
    }
    s = conv;
  }
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    snprintf(err, cap, "%s", strerror(errno));
    SDL_FreeSurface(conv);
    return PNGW_IO_ERROR;
  }
  pngw_ctx c = {err, cap};
  bool ok = SDL_LockSurface(s) == 0;
  if (!ok)
    snprintf(err, cap, "%s", SDL_GetError());
  else {
    ok = write_rows(f, s, bgr, alpha_first, &c);
    SDL_UnlockSurface(s);
  }
  if (fflush(f) != 0 && ok) {
    snprintf(err, cap, "%s", strerror(errno));
    ok = false;
  }
  if (fclose(f) != 0 && ok) {
    snprintf(err, cap, "%s", strerror(errno));
    ok = false;
  }
  SDL_FreeSurface(conv);
  if (!ok) {
    unlink(path);
    return PNGW_IO_ERROR;
  }
  return PNGW_OK;
}
