/* #define/#undef in a header the file includes (where the include resolves in the tree)
   decide its #if branches like the file's own; names no header of the tree decides, a header
   that does not resolve, and an #if above the #include stay unknown (both branches kept). */
#ifdef DEV_WITH_FIFO
# define DEV_EARLY_FIFO
#endif
#include "features.h"
#include "not_in_the_tree.h"

typedef struct DEVST { unsigned uFifoLevel; unsigned uLegacy; unsigned uDepthBig; unsigned uDepthSmall;
                       unsigned uOther; unsigned uTurbo; unsigned uEarly; unsigned uMine; } DEVST;

void devWrite(DEVST *pThis, unsigned uValue)
{
#ifndef DEV_WITH_FIFO
    pThis->uLegacy = uValue;
#else
    pThis->uFifoLevel = uValue;
#endif
#if defined(DEV_LEGACY_MODE)
    pThis->uLegacy = uValue + 1;
#endif
#if DEV_FIFO_DEPTH >= 8
    pThis->uDepthBig = uValue;
#else
    pThis->uDepthSmall = uValue;
#endif
#ifdef SOMETHING_ELSE
    pThis->uOther = uValue;
#endif
#ifdef DEV_WITH_TURBO
    pThis->uTurbo = uValue;
#endif
#ifdef DEV_EARLY_FIFO
    pThis->uEarly = uValue;
#endif
}

#undef DEV_WITH_FIFO

void devLater(DEVST *pThis, unsigned uValue)
{
#ifdef DEV_WITH_FIFO
    pThis->uLegacy = uValue + 2;
#else
    pThis->uMine = uValue;
#endif
}

// flow here: devWrite#1 -> DEVST.uFifoLevel
// no flow here: devWrite#1 -> DEVST.uLegacy
// flow here [--keep-if0]: devWrite#1 -> DEVST.uLegacy
// why-not: devWrite#1 -> DEVST.uLegacy : preprocessor
// flow here: devWrite#1 -> DEVST.uDepthBig
// no flow here: devWrite#1 -> DEVST.uDepthSmall
// flow here: devWrite#1 -> DEVST.uOther
// flow here: devWrite#1 -> DEVST.uTurbo
// flow here: devWrite#1 -> DEVST.uEarly
// flow here: devLater#1 -> DEVST.uMine
// no flow here: devLater#1 -> DEVST.uLegacy
