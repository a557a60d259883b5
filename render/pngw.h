/* pngw: writes frames as PNG files, fast.
 *
 * Frame export spends most of its time compressing. SDL_image's IMG_SavePNG uses libpng's
 * defaults (zlib level 6, every filter tried per row); a frame of flat panels and text compresses
 * nearly as well at zlib level 1 without any filter, several times faster (measured on a 1280x720
 * frame of gather: 111 KB in 26 ms against 98 KB in 85 ms; the "sub" filter made it both larger
 * and slower, as long runs of equal pixels match better unfiltered). Frames are opaque: the
 * pixels are written as 8-bit RGB, the surface's colours exactly, its alpha left out, which is a
 * quarter less to compress (8.5 against 9.3 to 11.9 ms a 1280x720 frame, 103 against 117 KB).
 * Alpha held nothing but an artefact: SDL's blending of translucent shapes leaves a few hundred
 * pixels of a frame at 253, just short of opaque, which the window shows opaque. */
#ifndef LOOPVIZ_PNGW_H
#define LOOPVIZ_PNGW_H

#include <SDL.h>
#include <stddef.h>

typedef enum pngw_status {
  PNGW_OK = 0,        /* the file was written */
  PNGW_IO_ERROR = 1,  /* the file could not be created or written (err says why) */
  PNGW_NO_MEMORY = 2, /* an allocation failed */
} pngw_status;

/* Writes surface s to path (created or truncated; removed again on failure). Any pixel format:
 * the 32-bit RGBA orders are read as they are, others are converted first. RGB, no alpha. */
pngw_status pngw_save(SDL_Surface *s, const char *path, char *err, size_t cap);

#endif
