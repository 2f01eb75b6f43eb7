/* A file's own #define and #undef decide the #if branches below them; names the tree does
   not decide stay unknown (both branches kept). */
#define DEV_WITH_FIFO
#define DEV_FIFO_DEPTH 16
#undef DEV_LEGACY_MODE
#ifdef HOST_HAS_TURBO
# define DEV_WITH_TURBO
#endif

typedef struct DEVST { unsigned uFifoLevel; unsigned uLegacy; unsigned uDepthBig; unsigned uDepthSmall;
                       unsigned uOther; unsigned uTurbo; unsigned uLater; unsigned uEarly; } DEVST;

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
}

#undef DEV_WITH_FIFO

void devLater(DEVST *pThis, unsigned uValue)
{
#ifdef DEV_WITH_FIFO
    pThis->uEarly = uValue;
#else
    pThis->uLater = uValue;
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
// flow here: devLater#1 -> DEVST.uLater
// no flow here: devLater#1 -> DEVST.uEarly

/* Two definitions of one helper, one per branch: the live one names its parameters. */
#define DEV_NEW_ALLOC
#ifndef DEV_NEW_ALLOC
static unsigned devAlloc(DEVST *pThis, unsigned cbOld, unsigned fFlagsOld)
{
    return cbOld + fFlagsOld;
}
#else
static unsigned devAlloc(DEVST *pThis, unsigned fFlagsNew)
{
    return fFlagsNew;
}
#endif

// flow here: devAlloc#1 (fFlagsNew) -> devAlloc()
// no flow here: devAlloc#1 (cbOld) -> devAlloc()
